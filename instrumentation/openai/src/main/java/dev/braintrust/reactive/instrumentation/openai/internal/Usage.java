package dev.braintrust.reactive.instrumentation.openai.internal;

import com.openai.models.completions.CompletionUsage;
import dev.braintrust.reactive.core.Log;
import java.util.Optional;

/**
 * Token counts as Braintrust metrics: only the keys the instrumentation guide lists (so not the
 * predicted-output counts OpenAI also reports), each only when the response reported it.
 */
final class Usage {
  private Usage() {}

  /** {@code prompt_tokens}, {@code completion_tokens}, {@code tokens} and the details reported. */
  static void record(Log.Builder b, CompletionUsage u) {
    put(b, "prompt_tokens", u._promptTokens().asNumber());
    put(b, "completion_tokens", u._completionTokens().asNumber());
    Optional<Number> total = u._totalTokens().asNumber();
    if (total.isPresent()) {
      put(b, "tokens", total);
    } else {
      // Computed only when both parts are known, never from one side.
      Optional<Number> prompt = u._promptTokens().asNumber();
      Optional<Number> completion = u._completionTokens().asNumber();
      if (prompt.isPresent() && completion.isPresent()) {
        b.metric("tokens", prompt.get().longValue() + completion.get().longValue());
      }
    }
    u.promptTokensDetails()
        .ifPresent(
            d -> {
              put(b, "prompt_cached_tokens", d.cachedTokens());
              put(b, "prompt_audio_tokens", d.audioTokens());
            });
    u.completionTokensDetails()
        .ifPresent(
            d -> {
              put(b, "completion_reasoning_tokens", d.reasoningTokens());
              put(b, "completion_audio_tokens", d.audioTokens());
            });
  }

  static void put(Log.Builder b, String name, Optional<? extends Number> value) {
    value.ifPresent(v -> b.metric(name, v));
  }
}
