package dev.braintrust.reactive.core;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Runs {@link Traced} methods of a target object inside spans. */
final class TracedInvocationHandler implements InvocationHandler {
  /** A traced Flux keeps at most this many elements as its output. */
  static final int MAX_CAPTURED_ELEMENTS = 100;

  private final Tracer tracer;
  private final Class<?> iface;
  private final Object target;
  private final Map<Method, @Nullable Plan> plans = new ConcurrentHashMap<>();

  TracedInvocationHandler(Tracer tracer, Class<?> iface, Object target) {
    this.tracer = tracer;
    this.iface = iface;
    this.target = target;
  }

  /** What to do for one method, computed once. */
  private static final class Plan {
    final String name;
    final SpanType type;
    final boolean captureArgs;
    final boolean captureResult;
    final String[] paramNames;
    final boolean[] excluded;

    Plan(String name, Traced t, Method m) {
      this.name = name;
      this.type = t.type();
      this.captureArgs = t.captureArguments();
      this.captureResult = t.captureResult();
      Parameter[] ps = m.getParameters();
      this.paramNames = new String[ps.length];
      this.excluded = new boolean[ps.length];
      for (int i = 0; i < ps.length; i++) {
        paramNames[i] = ps[i].getName();
        excluded[i] = ps[i].isAnnotationPresent(Traced.Exclude.class);
      }
    }
  }

  private @Nullable Plan plan(Method method) {
    return plans.computeIfAbsent(
        method,
        m -> {
          trySetAccessible(m);
          Traced t = m.getAnnotation(Traced.class);
          if (t == null) {
            try {
              t = target.getClass().getMethod(m.getName(), m.getParameterTypes()).getAnnotation(Traced.class);
            } catch (NoSuchMethodException e) {
              t = null;
            }
          }
          if (t == null) {
            t = iface.getAnnotation(Traced.class);
          }
          if (t == null) {
            return null;
          }
          String name = t.name().isEmpty() ? iface.getSimpleName() + "." + m.getName() : t.name();
          return new Plan(name, t, m);
        });
  }

  /** Non-public interfaces (common in tests and internal services) need access to be granted. */
  private static void trySetAccessible(Method m) {
    try {
      m.setAccessible(true);
    } catch (RuntimeException denied) {
      // A module boundary; the call below reports it if it matters.
    }
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args)
      throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return objectMethod(proxy, method, args);
    }
    Plan plan = plan(method);
    if (plan == null) {
      trySetAccessible(method);
      return call(method, args);
    }
    Class<?> rt = method.getReturnType();
    if (Mono.class.isAssignableFrom(rt)) {
      return tracer.<Object>mono(
          plan.name,
          plan.type,
          span -> {
            logArgs(plan, span, args);
            @SuppressWarnings("unchecked")
            Mono<Object> result = (Mono<Object>) callUnchecked(method, args);
            return plan.captureResult ? result.doOnNext(span::output) : result;
          });
    }
    if (Flux.class.isAssignableFrom(rt)) {
      return tracer.<Object>flux(
          plan.name,
          plan.type,
          span -> {
            logArgs(plan, span, args);
            @SuppressWarnings("unchecked")
            Flux<Object> result = (Flux<Object>) callUnchecked(method, args);
            return plan.captureResult ? captureElements(result, span) : result;
          });
    }
    if (CompletionStage.class.isAssignableFrom(rt)) {
      return tracer.<Object>future(
          plan.name,
          plan.type,
          span -> {
            logArgs(plan, span, args);
            @SuppressWarnings("unchecked")
            CompletionStage<Object> stage = (CompletionStage<Object>) callUnchecked(method, args);
            if (plan.captureResult) {
              stage = stage.thenApply(v -> {
                span.output(v);
                return v;
              });
            }
            return stage.toCompletableFuture();
          });
    }
    Span span = tracer.startSpan(plan.name, plan.type);
    try (Scope ignored = span.makeCurrent()) {
      logArgs(plan, span, args);
      Object result = call(method, args);
      if (plan.captureResult && rt != void.class) {
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
    Runnable record = () -> {
      synchronized (seen) {
        span.output(new ArrayList<>(seen));
        span.metric("elements", count[0]);
      }
    };
    // Recorded on terminate/cancel, before the span itself ends downstream of here.
    return flux.doOnNext(
            v -> {
              synchronized (seen) {
                count[0]++;
                if (seen.size() < MAX_CAPTURED_ELEMENTS) {
                  seen.add(v);
                }
              }
            })
        .doOnTerminate(record)
        .doOnCancel(record);
  }

  private static void logArgs(Plan plan, Span span, Object @Nullable [] args) {
    if (!plan.captureArgs || args == null || args.length == 0) {
      return;
    }
    Map<String, @Nullable Object> input = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!plan.excluded[i]) {
        input.put(plan.paramNames[i], args[i]);
      }
    }
    span.input(input);
  }

  private @Nullable Object call(Method method, Object @Nullable [] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot call " + method + " on the traced target: " + e.getMessage(), e);
    }
  }

  private @Nullable Object callUnchecked(Method method, Object @Nullable [] args) {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private @Nullable Object objectMethod(Object proxy, Method method, Object @Nullable [] args)
      throws Throwable {
    switch (method.getName()) {
      case "equals":
        return args != null && proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "Traced(" + target + ")";
      default:
        return call(method, args);
    }
  }
}
