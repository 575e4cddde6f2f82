package dev.braintrust.reactive.instrumentation.springai.internal;

import dev.braintrust.reactive.core.Log;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Token counts from Spring AI's {@link org.springframework.ai.chat.metadata.Usage}, and the cached
 * and reasoning counts only the provider's native usage object holds. Those are read by name
 * (records, getters, or the openai-java SDK's Optional accessors Spring AI 2 exposes) because this
 * module depends on Spring AI's model API only, not on every provider module.
 */
final class Usage {
  private static final ClassValue<ConcurrentHashMap<String, Optional<Method>>> METHODS =
      new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, Optional<Method>> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  // Passed to Method.invoke: its varargs would otherwise make an empty array per call.
  private static final Object[] NO_ARGUMENTS = {};

  private Usage() {}

  static void record(
      Log.Builder b, org.springframework.ai.chat.metadata.@Nullable Usage u, boolean completion) {
    record(b, u, completion, null);
  }

  /**
   * As {@link #record(Log.Builder, org.springframework.ai.chat.metadata.Usage, boolean)}, with the
   * provider's usage object from elsewhere when {@code u} has none: a stream's aggregated response
   * keeps the counts but not the native object, which its last chunk carried.
   */
  static void record(
      Log.Builder b,
      org.springframework.ai.chat.metadata.@Nullable Usage u,
      boolean completion,
      @Nullable Object nativeFallback) {
    if (u == null) {
      return;
    }
    Integer prompt = u.getPromptTokens();
    Integer output = u.getCompletionTokens();
    Integer total = u.getTotalTokens();
    Object raw = isNative(u.getNativeUsage()) ? u.getNativeUsage() : nativeFallback;
    boolean empty =
        zero(prompt) && zero(output) && zero(total) && (raw == null || raw instanceof Map);
    if (empty) {
      return; // Spring AI's EmptyUsage: the provider reported none
    }
    metric(b, "prompt_tokens", prompt);
    if (completion) {
      metric(b, "completion_tokens", output);
    }
    metric(b, "tokens", total);
    if (raw == null) {
      return;
    }
    // OpenAI: prompt_tokens_details.cached_tokens, completion_tokens_details.reasoning_tokens.
    metric(b, "prompt_cached_tokens", get(get(raw, "promptTokensDetails"), "cachedTokens"));
    Object details = get(raw, "completionTokenDetails");
    if (details == null) {
      details = get(raw, "completionTokensDetails");
    }
    metric(b, "completion_reasoning_tokens", get(details, "reasoningTokens"));
    // Anthropic: cache reads and writes.
    Object read = get(raw, "cacheReadInputTokens");
    if (read != null) {
      metric(b, "prompt_cached_tokens", read);
    }
    metric(b, "prompt_cache_creation_tokens", get(raw, "cacheCreationInputTokens"));
  }

  /**
   * Whether {@code raw} is a provider's usage object (Spring AI's own usages give a map or null).
   */
  static boolean isNative(@Nullable Object raw) {
    return raw != null && !(raw instanceof Map);
  }

  private static boolean zero(@Nullable Integer n) {
    return n == null || n == 0;
  }

  private static void metric(Log.Builder b, String name, @Nullable Object value) {
    if (value instanceof Number) {
      b.metric(name, (Number) value);
    }
  }

  /** {@code target.name()} or {@code target.getName()}, unwrapping an Optional; null if absent. */
  private static @Nullable Object get(@Nullable Object target, String name) {
    if (target == null) {
      return null;
    }
    ConcurrentHashMap<String, Optional<Method>> methods = METHODS.get(target.getClass());
    // Looked up first: computeIfAbsent's capturing lambda would be garbage on every call.
    Optional<Method> m = methods.get(name);
    if (m == null) {
      m =
          methods.computeIfAbsent(
              name,
              n -> {
                Optional<Method> found = find(target.getClass(), n);
                return found.isPresent()
                    ? found
                    : find(
                        target.getClass(),
                        "get" + Character.toUpperCase(n.charAt(0)) + n.substring(1));
              });
    }
    if (m.isEmpty()) {
      return null;
    }
    try {
      Object v = m.get().invoke(target, NO_ARGUMENTS);
      return v instanceof Optional ? ((Optional<?>) v).orElse(null) : v;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Optional<Method> find(Class<?> type, String name) {
    try {
      Method m = type.getMethod(name);
      try {
        m.setAccessible(true); // a public method of a non-public implementation class
      } catch (RuntimeException e) {
        // left as is: invoking it may still work, and failing only costs the metric
      }
      return Optional.of(m);
    } catch (NoSuchMethodException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
