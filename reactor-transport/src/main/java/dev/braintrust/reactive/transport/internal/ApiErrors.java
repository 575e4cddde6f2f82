package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.transport.BraintrustApiException;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Turns non-2xx replies into exceptions carrying the server's error text. */
public final class ApiErrors {
  /** A factory for one client. */
  public ApiErrors() {}

  /** A non-2xx reply as an exception carrying the server's {@code error} text. */
  public BraintrustApiException status(
      String method, String path, int status, HttpHeaders headers, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    String error = text;
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      if (n != null && n.hasNonNull("error")) {
        error = n.get("error").isTextual() ? n.get("error").asText() : n.get("error").toString();
      }
    } catch (IOException notJson) {
      // Keep the raw text.
    }
    if (error.isEmpty()) {
      error = "(empty body)";
    }
    String requestId = headers.get("x-bt-request-id");
    if (requestId == null) {
      requestId = headers.get("x-request-id");
    }
    if (requestId == null) {
      requestId = headers.get("x-amzn-requestid");
    }
    return new BraintrustApiException(method, path, status, error, requestId,
        RetryPolicy.parseRetryAfter(headers.get("Retry-After"), System.currentTimeMillis()));
  }
}
