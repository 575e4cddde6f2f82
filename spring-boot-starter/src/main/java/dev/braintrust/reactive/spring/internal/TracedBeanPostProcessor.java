package dev.braintrust.reactive.spring.internal;

import dev.braintrust.reactive.core.Traced;
import dev.braintrust.reactive.core.Tracer;
import java.lang.reflect.Method;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * Proxies beans that have {@link Traced} methods (or a {@code @Traced} class) with {@link
 * TracedMethodInterceptor}, or adds the interceptor to an existing Spring AOP proxy. Uses Spring
 * AOP's own advisor support, as {@code @Async} and method validation do: no AspectJ weaver and no
 * {@code @EnableAspectJAutoProxy} needed. Class-based proxies, so beans need no interface; the
 * tracing advice runs outside other advice (a transaction's time is inside the span).
 */
public final class TracedBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {
  private static final long serialVersionUID = 1L;

  public TracedBeanPostProcessor(ObjectProvider<Tracer> tracer) {
    setProxyTargetClass(true);
    setBeforeExistingAdvisors(true);
    this.advisor =
        new DefaultPointcutAdvisor(new TracedPointcut(), new TracedMethodInterceptor(tracer));
  }

  /** Matches the methods {@link TracedMethodInterceptor#find} traces. */
  private static final class TracedPointcut extends StaticMethodMatcherPointcut {
    TracedPointcut() {
      // Skips JDK and other classes that cannot carry the annotation without looking at methods.
      setClassFilter(clazz -> AnnotationUtils.isCandidateClass(clazz, Traced.class));
    }

    @Override
    public boolean matches(Method method, Class<?> targetClass) {
      Class<?> userClass = ClassUtils.getUserClass(targetClass);
      Method specific = AopUtils.getMostSpecificMethod(method, userClass);
      return TracedMethodInterceptor.find(specific, userClass) != null;
    }
  }
}
