package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.BraintrustException;
import java.io.IOException;

/** The client's one ObjectMapper; thread-safe once configured, and costly to create. */
public final class Json {
  /** Shared by every client. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /**
   * {@code node} as a {@code type} (one of the typed records), failing with a {@link
   * BraintrustException} that names what was read and from where.
   */
  public static <T> T read(JsonNode node, Class<T> type, String from) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new BraintrustException(
          "could not read a " + type.getSimpleName() + " from " + from, e);
    }
  }
}
