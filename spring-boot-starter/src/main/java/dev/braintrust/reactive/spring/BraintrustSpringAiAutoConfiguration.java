package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.instrumentation.springai.BraintrustSpringAi;
import dev.braintrust.reactive.spring.internal.SpringAiStreamTiming;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Traces Spring AI (1.1 on Boot 3.5, 2.0 on Boot 4) when it is on the class path: every chat and
 * embedding model call is an {@code llm} span with the prompt, the reply, model, provider and
 * tokens, through the observations Spring AI's models make; chat model beans are proxied so streams
 * get {@code time_to_first_token} (final model classes, which can't be, get it through the
 * ChatClient builders Spring AI provides). Spring Boot adds the handler to the application's {@link
 * ObservationRegistry} (Actuator's); an application with no registry gets one holding only this
 * handler, so Spring AI's models observe at all. Off with {@code
 * braintrust.spring-ai.enabled=false}.
 */
@AutoConfiguration(
    after = BraintrustAutoConfiguration.class,
    afterName = {
      // Boot 3.5's and Boot 4's: their registry, when present, is the one to join.
      "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    })
@ConditionalOnClass({ChatModel.class, ObservationRegistry.class, BraintrustSpringAi.class})
@ConditionalOnBooleanProperty(
    name = {"braintrust.enabled", "braintrust.spring-ai.enabled"},
    matchIfMissing = true)
@ConditionalOnBean(Tracer.class)
public class BraintrustSpringAiAutoConfiguration {

  /**
   * The handler that makes Spring AI's model observations spans.
   *
   * @param tracer the tracer spans are recorded with
   * @return the handler
   */
  @Bean
  public ObservationHandler<Observation.Context> braintrustSpringAiObservationHandler(
      Tracer tracer) {
    return BraintrustSpringAi.observationHandler(tracer);
  }

  /**
   * A registry for applications without one (no Actuator), holding only the handler: without a
   * registry Spring AI's models make no observations. It observes Spring AI alone: every other
   * instrumentation that finds a registry bean (WebFlux's one observation per request served,
   * WebClient's per request sent) would otherwise start making observations that nobody handles, at
   * a cost to every request.
   *
   * @param braintrustSpringAiObservationHandler the handler
   * @return the registry
   */
  @Bean
  @ConditionalOnMissingBean(ObservationRegistry.class)
  public ObservationRegistry braintrustObservationRegistry(
      ObservationHandler<Observation.Context> braintrustSpringAiObservationHandler) {
    ObservationRegistry registry = ObservationRegistry.create();
    registry
        .observationConfig()
        .observationPredicate((name, context) -> isSpringAi(context))
        .observationHandler(braintrustSpringAiObservationHandler);
    return registry;
  }

  /**
   * Whether {@code context} is one of Spring AI's (chat client, advisor, model, tool, vector
   * store): the handler looks through their parents for the enclosing call, so all of them stay.
   */
  static boolean isSpringAi(Observation.Context context) {
    return context.getClass().getName().startsWith("org.springframework.ai.");
  }

  /**
   * Proxies chat model beans so their streams are timed.
   *
   * @return the post-processor
   */
  @Bean
  public static SpringAiStreamTiming braintrustSpringAiStreamTiming() {
    return new SpringAiStreamTiming();
  }

  /** For applications with Spring AI's ChatClient. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.ai.chat.client.ChatClientCustomizer")
  static class ChatClientTiming {
    /**
     * Adds the stream-timing advisor to the ChatClient builders Spring AI provides: the models the
     * post-processor can't proxy (final classes) still get first-token time through a ChatClient.
     *
     * @return the customizer
     */
    @Bean
    ChatClientCustomizer braintrustChatClientStreamTiming() {
      StreamAdvisor advisor = BraintrustSpringAi.streamTimingAdvisor();
      return builder -> builder.defaultAdvisors(advisor);
    }
  }
}
