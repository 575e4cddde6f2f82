package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import dev.braintrust.reactive.core.Log;
import dev.langchain4j.model.output.TokenUsage;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Cached and reasoning token counts, which providers report through their own {@link TokenUsage}
 * subclasses ({@code OpenAiTokenUsage.inputTokensDetails().cachedTokens()}, ...). Read by name
 * because this module depends on LangChain4j's core only, not on every provider module.
 */
final class TokenDetails {
  private static final ClassValue<ConcurrentHashMap<String, Optional<Method>>> METHODS =
      new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, Optional<Method>> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  private TokenDetails() {}

  static void record(Log.Builder b, TokenUsage u) {
    if (u.getClass() == TokenUsage.class) {
      return;
    }
    metric(b, "prompt_cached_tokens", call(call(u, "inputTokensDetails"), "cachedTokens"));
    metric(
        b, "completion_reasoning_tokens", call(call(u, "outputTokensDetails"), "reasoningTokens"));
  }

  private static void metric(Log.Builder b, String name, @Nullable Object value) {
    if (value instanceof Number) {
      b.metric(name, (Number) value);
    }
  }

  private static @Nullable Object call(@Nullable Object target, String name) {
    if (target == null) {
      return null;
    }
    Optional<Method> m =
        METHODS
            .get(target.getClass())
            .computeIfAbsent(
                name,
                n -> {
                  try {
                    return Optional.of(target.getClass().getMethod(n));
                  } catch (NoSuchMethodException e) {
                    return Optional.empty();
                  }
                });
    if (m.isEmpty()) {
      return null;
    }
    try {
      return m.get().invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
