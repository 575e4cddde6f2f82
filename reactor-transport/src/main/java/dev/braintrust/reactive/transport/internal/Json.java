package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The client's one ObjectMapper; thread-safe once configured, and costly to create. */
public final class Json {
  /** Shared by every client. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
