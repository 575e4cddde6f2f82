package dev.braintrust.reactive.instrumentation.openai.internal;

import com.openai.models.completions.CompletionUsage;
import dev.braintrust.reactive.core.Log;
import java.util.Optional;

/** Token counts as Braintrust metrics, named as the official SDKs name them. */
final class Usage {
  private Usage() {}

  /** {@code prompt_tokens}, {@code completion_tokens}, {@code tokens} and the details reported. */
  static void record(Log.Builder b, CompletionUsage u) {
    put(b, "prompt_tokens", u._promptTokens().asNumber());
    put(b, "completion_tokens", u._completionTokens().asNumber());
    put(b, "tokens", u._totalTokens().asNumber());
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
              put(b, "completion_accepted_prediction_tokens", d.acceptedPredictionTokens());
              put(b, "completion_rejected_prediction_tokens", d.rejectedPredictionTokens());
            });
  }

  static void put(Log.Builder b, String name, Optional<? extends Number> value) {
    value.ifPresent(v -> b.metric(name, v));
  }
}
