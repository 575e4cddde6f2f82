package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * A chat completion from the AI proxy (OpenAI format) or one streamed chunk of it. Accessors read
 * the first choice; {@link #json()} has everything.
 */
public final class ChatCompletion {
  private final JsonNode json;
  private final boolean chunk;

  ChatCompletion(JsonNode json, boolean chunk) {
    this.json = json;
    this.chunk = chunk;
  }

  /**
   * The raw JSON.
   *
   * @return the raw JSON
   */
  public JsonNode json() {
    return json;
  }

  /**
   * Whether this is a streamed chunk ({@code delta}) rather than a whole completion.
   *
   * @return whether this is a streamed chunk ({@code delta}) rather than a whole completion
   */
  public boolean isChunk() {
    return chunk;
  }

  /**
   * The completion id.
   *
   * @return the completion id
   */
  public String id() {
    return json.path("id").asText();
  }

  /**
   * The model that answered.
   *
   * @return the model that answered
   */
  public String model() {
    return json.path("model").asText();
  }

  /**
   * The first choice's text: the message content, or the delta content of a chunk.
   *
   * @return the first choice's text: the message content, or the delta content of a chunk
   */
  public String content() {
    JsonNode choice = json.path("choices").path(0);
    return (chunk ? choice.path("delta") : choice.path("message")).path("content").asText("");
  }

  /**
   * The first choice's finish reason, or null while a stream goes on.
   *
   * @return the first choice's finish reason, or null while a stream goes on
   */
  public @Nullable String finishReason() {
    JsonNode r = json.path("choices").path(0).path("finish_reason");
    return r.isTextual() ? r.asText() : null;
  }

  /**
   * {@code usage.prompt_tokens}, or -1 when absent.
   *
   * @return {@code usage.prompt_tokens}, or -1 when absent
   */
  public long promptTokens() {
    return json.path("usage").path("prompt_tokens").asLong(-1);
  }

  /**
   * {@code usage.completion_tokens}, or -1 when absent.
   *
   * @return {@code usage.completion_tokens}, or -1 when absent
   */
  public long completionTokens() {
    return json.path("usage").path("completion_tokens").asLong(-1);
  }

  /**
   * {@code usage.total_tokens}, or -1 when absent.
   *
   * @return {@code usage.total_tokens}, or -1 when absent
   */
  public long totalTokens() {
    return json.path("usage").path("total_tokens").asLong(-1);
  }

  @Override
  public String toString() {
    return json.toString();
  }
}
