package dev.braintrust.reactive.core.internal;

import dev.braintrust.reactive.core.Log;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The request fields Braintrust's instrumentation guide lets into an OpenAI-shaped chat call's
 * {@code metadata}, besides {@code model} and {@code provider}: its explicit allowlist, shared by
 * every module that writes such rows (the OpenAI wrapper, the AI proxy) so they cannot drift apart.
 */
public final class LlmMetadata {
  /** The sampling parameters the guide names, and the tool definitions and controls. */
  public static final List<String> CHAT_REQUEST_PARAMETERS =
      List.of(
          "temperature",
          "top_p",
          "max_tokens",
          "frequency_penalty",
          "presence_penalty",
          "stop",
          "response_format",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "max_tool_calls");

  private LlmMetadata() {}

  /**
   * Puts a typed chat request's model and the sampling parameters the guide allows, each only when
   * given, for the framework integrations (LangChain4j, Spring AI) whose options are typed rather
   * than JSON; {@code stop} only when it holds at least one sequence.
   */
  public static void putSampling(
      Log.Builder b,
      @Nullable String model,
      @Nullable Number temperature,
      @Nullable Number topP,
      @Nullable Number maxTokens,
      @Nullable Number frequencyPenalty,
      @Nullable Number presencePenalty,
      @Nullable List<String> stop) {
    put(b, "model", model);
    put(b, "temperature", temperature);
    put(b, "top_p", topP);
    put(b, "max_tokens", maxTokens);
    put(b, "frequency_penalty", frequencyPenalty);
    put(b, "presence_penalty", presencePenalty);
    if (stop != null && !stop.isEmpty()) {
      b.metadata("stop", stop);
    }
  }

  private static void put(Log.Builder b, String key, @Nullable Object value) {
    if (value != null) {
      b.metadata(key, value);
    }
  }
}
