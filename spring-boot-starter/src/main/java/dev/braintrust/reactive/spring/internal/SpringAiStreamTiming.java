package dev.braintrust.reactive.spring.internal;

import dev.braintrust.reactive.instrumentation.springai.internal.StreamMarks;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import reactor.core.publisher.Flux;

/**
 * Proxies Spring AI {@link ChatModel} beans so their {@code stream(Prompt)} subscriptions are
 * {@linkplain StreamMarks#timed timed} (the observation handler cannot see chunks, so {@code
 * time_to_first_token} comes from here). Class-based proxies, so a bean injected as {@code
 * OpenAiChatModel} still is one; an existing Spring AOP proxy gets the advice added instead. Every
 * other method goes to the model untouched.
 */
public final class SpringAiStreamTiming extends AbstractBeanFactoryAwareAdvisingPostProcessor {
  private static final long serialVersionUID = 1L;

  public SpringAiStreamTiming() {
    setProxyTargetClass(true);
    setBeforeExistingAdvisors(true);
    this.advisor = new DefaultPointcutAdvisor(new StreamPointcut(), new TimingInterceptor());
  }

  /**
   * Final model classes (Spring AI 2.0's OpenAI model is one) can't be subclassed, and an interface
   * proxy would break injection by the concrete type: those are left alone, and get first-token
   * time from the ChatClient advisor instead (see {@code BraintrustSpringAiAutoConfiguration}).
   */
  @Override
  protected boolean isEligible(Class<?> targetClass) {
    return !Modifier.isFinal(targetClass.getModifiers()) && super.isEligible(targetClass);
  }

  /** {@code Flux<ChatResponse> stream(Prompt)} of chat models. */
  private static final class StreamPointcut extends StaticMethodMatcherPointcut {
    StreamPointcut() {
      setClassFilter(ChatModel.class::isAssignableFrom);
    }

    @Override
    public boolean matches(Method method, Class<?> targetClass) {
      return method.getName().equals("stream")
          && method.getParameterCount() == 1
          && method.getParameterTypes()[0] == Prompt.class
          && method.getReturnType() == Flux.class;
    }
  }

  private static final class TimingInterceptor implements MethodInterceptor {
    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
      if (!(invocation instanceof ProxyMethodInvocation)) {
        return invocation.proceed();
      }
      ProxyMethodInvocation pmi = (ProxyMethodInvocation) invocation;
      // Each subscription proceeds on its own copy of the invocation: a chain proceeds once.
      return StreamMarks.timed(() -> proceed(pmi.invocableClone()));
    }

    @SuppressWarnings("unchecked")
    private static Flux<ChatResponse> proceed(MethodInvocation invocation) {
      try {
        return (Flux<ChatResponse>) invocation.proceed();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        // stream(Prompt) declares no checked exception; one can only come from other advice
        return Flux.error(t);
      }
    }
  }
}
