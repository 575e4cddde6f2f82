package dev.braintrust.reactive.core;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Runs {@link Traced} methods of a target object inside spans; {@link TracedMethod} does the
 * tracing.
 */
final class TracedInvocationHandler implements InvocationHandler {
  private final Tracer tracer;
  private final Class<?> iface;
  private final Object target;
  private final Map<Method, Optional<TracedMethod>> plans = new ConcurrentHashMap<>();

  TracedInvocationHandler(Tracer tracer, Class<?> iface, Object target) {
    this.tracer = tracer;
    this.iface = iface;
    this.target = target;
  }

  private @Nullable TracedMethod plan(Method method) {
    return plans
        .computeIfAbsent(
            method,
            m -> {
              trySetAccessible(m);
              Traced t = m.getAnnotation(Traced.class);
              if (t == null) {
                try {
                  t =
                      target
                          .getClass()
                          .getMethod(m.getName(), m.getParameterTypes())
                          .getAnnotation(Traced.class);
                } catch (NoSuchMethodException e) {
                  t = null;
                }
              }
              if (t == null) {
                t = iface.getAnnotation(Traced.class);
              }
              if (t == null) {
                return Optional.empty();
              }
              return Optional.of(TracedMethod.of(m, t, iface.getSimpleName() + "." + m.getName()));
            })
        .orElse(null);
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
    TracedMethod plan = plan(method);
    if (plan == null) {
      trySetAccessible(method);
      return call(method, args);
    }
    return plan.invoke(tracer, args, () -> call(method, args));
  }

  private @Nullable Object call(Method method, Object @Nullable [] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(
          "cannot call " + method + " on the traced target: " + e.getMessage(), e);
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
