package dev.braintrust.reactive.spring.internal;

import dev.braintrust.reactive.core.Traced;
import dev.braintrust.reactive.core.TracedMethod;
import dev.braintrust.reactive.core.Tracer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Runs {@link Traced} methods of Spring beans through {@link TracedMethod}, the same capture the
 * {@code Tracer.instrument} proxy uses.
 *
 * <p>A method is traced when it, or the method it overrides or implements, carries {@code @Traced},
 * or when it is public and its class (or an interface or superclass of it) does; {@code equals},
 * {@code hashCode} and {@code toString} are traced only when marked themselves.
 */
public final class TracedMethodInterceptor implements MethodInterceptor {
  private final ObjectProvider<Tracer> tracerProvider;
  private final Map<MethodClassKey, Optional<TracedMethod>> plans = new ConcurrentHashMap<>();
  private volatile @Nullable Tracer tracer;

  /**
   * An interceptor looking the tracer up on first use, so that bean post-processing does not create
   * the tracer (and with it the exporter and client) too early.
   */
  public TracedMethodInterceptor(ObjectProvider<Tracer> tracer) {
    this.tracerProvider = tracer;
  }

  @Override
  public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
    Object target = invocation.getThis();
    Class<?> targetClass =
        target != null
            ? AopUtils.getTargetClass(target)
            : invocation.getMethod().getDeclaringClass();
    TracedMethod plan =
        plans
            .computeIfAbsent(
                new MethodClassKey(invocation.getMethod(), targetClass),
                k -> Optional.ofNullable(plan(invocation.getMethod(), targetClass)))
            .orElse(null);
    if (plan == null || !(invocation instanceof ProxyMethodInvocation)) {
      return invocation.proceed();
    }
    ProxyMethodInvocation pmi = (ProxyMethodInvocation) invocation;
    // A Mono or Flux calls this once per subscription, so each call goes through its own copy of
    // the invocation, resuming the interceptor chain right after this interceptor.
    return plan.invoke(tracer(), invocation.getArguments(), () -> pmi.invocableClone().proceed());
  }

  private Tracer tracer() {
    Tracer t = tracer;
    if (t == null) {
      t = tracerProvider.getObject();
      tracer = t;
    }
    return t;
  }

  /**
   * The trace plan for {@code method} called on a {@code targetClass} bean, or null if untraced.
   */
  static @Nullable TracedMethod plan(Method method, Class<?> targetClass) {
    Class<?> userClass = ClassUtils.getUserClass(targetClass);
    Method specific = AopUtils.getMostSpecificMethod(method, userClass);
    Traced traced = find(specific, userClass);
    if (traced == null) {
      return null;
    }
    return TracedMethod.of(specific, traced, userClass.getSimpleName() + "." + method.getName());
  }

  /** The annotation that makes {@code method} traced, or null. */
  static @Nullable Traced find(Method method, Class<?> userClass) {
    Traced onMethod = AnnotatedElementUtils.findMergedAnnotation(method, Traced.class);
    if (onMethod != null) {
      return onMethod;
    }
    if (!Modifier.isPublic(method.getModifiers())
        || method.getDeclaringClass() == Object.class
        || ReflectionUtils.isEqualsMethod(method)
        || ReflectionUtils.isHashCodeMethod(method)
        || ReflectionUtils.isToStringMethod(method)) {
      return null;
    }
    return AnnotatedElementUtils.findMergedAnnotation(userClass, Traced.class);
  }
}
