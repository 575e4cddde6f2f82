package dev.braintrust.reactive.core;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How one {@link Traced} method is traced, worked out once: span name and type, which arguments
 * become the input, whether the result becomes the output. {@link #invoke} runs one call in a span.
 * Every integration that intercepts method calls shares it: the {@link Tracer#instrument} proxy,
 * the Spring starter's advice, and your own interceptor (CDI, Guice...).
 *
 * <pre>{@code
 * TracedMethod traced = TracedMethod.of(method, method.getAnnotation(Traced.class), "Orders.find");
 * Object result = traced.invoke(tracer, args, () -> invocation.proceed());
 * }</pre>
 *
 * <p>By the method's declared return type: a {@code Mono} or {@code Flux} runs the call on each
 * subscription and ends the span on complete, error or cancel (a {@code Flux} logs up to {@value
 * #MAX_CAPTURED_ELEMENTS} elements as the output); a {@code CompletionStage} ends it when the stage
 * completes; anything else ends it when the call returns or throws. Instances are immutable.
 */
public final class TracedMethod {
  /** A traced Flux keeps at most this many elements as its output. */
  public static final int MAX_CAPTURED_ELEMENTS = 100;

  private final String name;
  private final SpanType type;
  private final boolean captureArgs;
  private final boolean captureResult;
  private final String[] paramNames;
  private final boolean[] excluded;
  private final Kind kind;
  private final boolean returnsVoid;

  private enum Kind {
    MONO,
    FLUX,
    STAGE,
    PLAIN
  }

  private TracedMethod(Method method, Traced traced, String defaultName) {
    this.name = traced.name().isEmpty() ? defaultName : traced.name();
    this.type = traced.type();
    this.captureArgs = traced.captureArguments();
    this.captureResult = traced.captureResult();
    Parameter[] ps = method.getParameters();
    this.paramNames = new String[ps.length];
    this.excluded = new boolean[ps.length];
    for (int i = 0; i < ps.length; i++) {
      paramNames[i] = ps[i].getName();
      excluded[i] =
          ps[i].isAnnotationPresent(Traced.Exclude.class)
              || excludedAbove(method.getDeclaringClass(), method, i, new HashSet<>());
    }
    Class<?> rt = method.getReturnType();
    this.kind =
        Mono.class.isAssignableFrom(rt)
            ? Kind.MONO
            : Flux.class.isAssignableFrom(rt)
                ? Kind.FLUX
                : CompletionStage.class.isAssignableFrom(rt) ? Kind.STAGE : Kind.PLAIN;
    this.returnsVoid = rt == void.class;
  }

  /**
   * Whether a method {@code method} overrides or implements, above {@code type}, keeps parameter
   * {@code i} out: an exclusion on an interface must hold for every implementation.
   */
  private static boolean excludedAbove(Class<?> type, Method method, int i, Set<Class<?>> seen) {
    List<Class<?>> above = new ArrayList<>(List.of(type.getInterfaces()));
    if (type.getSuperclass() != null) {
      above.add(type.getSuperclass());
    }
    for (Class<?> s : above) {
      if (!seen.add(s)) {
        continue;
      }
      try {
        Method m = s.getDeclaredMethod(method.getName(), method.getParameterTypes());
        if (m.getParameters()[i].isAnnotationPresent(Traced.Exclude.class)) {
          return true;
        }
      } catch (NoSuchMethodException notHere) {
        // Look further up.
      }
      if (excludedAbove(s, method, i, seen)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The plan for {@code method} as {@code traced} describes it; the span is named {@code
   * defaultName} unless {@link Traced#name()} is set. Parameter names are read from {@code method},
   * so pass the implementation's method; {@link Traced.Exclude} counts on it or on any method it
   * overrides or implements.
   *
   * @param method the method, from the implementation class
   * @param traced the method's annotation
   * @param defaultName the span name unless the annotation gives one
   * @return the plan
   */
  public static TracedMethod of(Method method, Traced traced, String defaultName) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(traced, "traced");
    Objects.requireNonNull(defaultName, "defaultName");
    return new TracedMethod(method, traced, defaultName);
  }

  /**
   * The span name.
   *
   * @return the span name
   */
  public String spanName() {
    return name;
  }

  /**
   * The span type.
   *
   * @return the span type
   */
  public SpanType spanType() {
    return type;
  }

  /**
   * Runs {@code invocation} in a span of {@code tracer}, child of the current span (the subscriber
   * context's for reactive results). For a {@code Mono} or {@code Flux} it is called on each
   * subscription, so it must be callable more than once; a checked exception it throws then reaches
   * the subscriber wrapped in an {@link IllegalStateException}. Otherwise the call's exception is
   * recorded and rethrown as it is.
   *
   * @param tracer the tracer to start the span with
   * @param args the call's arguments, logged as input unless excluded
   * @param invocation the call itself
   * @return what the call returned (for a {@code Mono} or {@code Flux}, one that traces each
   *     subscription)
   * @throws Throwable what the call threw
   */
  public @Nullable Object invoke(Tracer tracer, Object @Nullable [] args, Invocation invocation)
      throws Throwable {
    switch (kind) {
      case MONO:
        return tracer.<Object>mono(
            name,
            type,
            span -> {
              logArgs(span, args);
              @SuppressWarnings("unchecked")
              Mono<Object> result = (Mono<Object>) proceedUnchecked(invocation);
              return result;
            },
            captureResult);
      case FLUX:
        return tracer.<Object>flux(
            name,
            type,
            span -> {
              logArgs(span, args);
              @SuppressWarnings("unchecked")
              Flux<Object> result = (Flux<Object>) proceedUnchecked(invocation);
              return captureResult ? captureElements(result, span) : result;
            });
      case STAGE:
        return tracer.<Object>future(
            name,
            type,
            span -> {
              logArgs(span, args);
              @SuppressWarnings("unchecked")
              CompletionStage<Object> stage =
                  (CompletionStage<Object>) proceedUnchecked(invocation);
              if (captureResult) {
                stage =
                    stage.thenApply(
                        v -> {
                          span.output(v);
                          return v;
                        });
              }
              return stage.toCompletableFuture();
            });
      default:
        return invokePlain(tracer, args, invocation);
    }
  }

  private @Nullable Object invokePlain(
      Tracer tracer, Object @Nullable [] args, Invocation invocation) throws Throwable {
    Span span = tracer.startSpan(name, type);
    try (Scope ignored = span.makeCurrent()) {
      logArgs(span, args);
      Object result = invocation.proceed();
      if (captureResult && !returnsVoid) {
        span.output(result);
      }
      return result;
    } catch (Throwable t) {
      span.error(t);
      throw t;
    } finally {
      span.end();
    }
  }

  private static <T> Flux<T> captureElements(Flux<T> flux, Span span) {
    List<T> seen = new ArrayList<>();
    long[] count = new long[1];
    // A lock, not a monitor: recording may wait for room in the exporter's buffer, and a virtual
    // thread must not pin its carrier while it does.
    ReentrantLock lock = new ReentrantLock();
    Runnable record =
        () -> {
          lock.lock();
          try {
            span.output(new ArrayList<>(seen));
            span.metric("elements", count[0]);
          } finally {
            lock.unlock();
          }
        };
    // Recorded on terminate/cancel, before the span itself ends downstream of here.
    return flux.doOnNext(
            v -> {
              lock.lock();
              try {
                count[0]++;
                if (seen.size() < MAX_CAPTURED_ELEMENTS) {
                  seen.add(v);
                }
              } finally {
                lock.unlock();
              }
            })
        .doOnTerminate(record)
        .doOnCancel(record);
  }

  private void logArgs(Span span, Object @Nullable [] args) {
    if (!captureArgs || args == null || args.length == 0) {
      return;
    }
    Map<String, @Nullable Object> input = new LinkedHashMap<>();
    for (int i = 0; i < args.length && i < paramNames.length; i++) {
      if (!excluded[i]) {
        input.put(paramNames[i], args[i]);
      }
    }
    span.input(input);
  }

  private static @Nullable Object proceedUnchecked(Invocation invocation) {
    try {
      return invocation.proceed();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  @Override
  public String toString() {
    return "TracedMethod{" + name + ", type=" + type.wireName() + "}";
  }

  /** The intercepted call, as the interceptor proceeds with it. */
  @FunctionalInterface
  public interface Invocation {
    /**
     * Calls the target method and returns its result, throwing what it throws.
     *
     * @return the target method's result
     * @throws Throwable what the target method threw
     */
    @Nullable Object proceed() throws Throwable;
  }
}
