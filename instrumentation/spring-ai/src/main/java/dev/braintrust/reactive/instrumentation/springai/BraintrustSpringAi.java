package dev.braintrust.reactive.instrumentation.springai;

import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.instrumentation.springai.internal.Instrumentation;
import dev.braintrust.reactive.instrumentation.springai.internal.ObservationSpans;
import dev.braintrust.reactive.instrumentation.springai.internal.StreamTimingAdvisor;
import dev.braintrust.reactive.instrumentation.springai.internal.TimedChatModel;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.model.ChatModel;

/**
 * Traces Spring AI chat and embedding models through the Micrometer observations they already make:
 * every provider round trip (each turn of Spring AI's tool loop too) becomes an {@code llm} span,
 * child of the span current where the model is called, with the prompt's messages as input, the
 * generations as output (OpenAI's shape, whichever provider answered), the model, provider and
 * allowlisted options as metadata, and the token counts as metrics. With the Spring Boot starters
 * this is automatic; by hand:
 *
 * <pre>{@code
 * ObservationRegistry registry = BraintrustSpringAi.observationRegistry(tracer);
 * ChatModel model = BraintrustSpringAi.timeStreams(
 *     OpenAiChatModel.builder().openAiApi(api).observationRegistry(registry).build());
 * }</pre>
 *
 * <p>Nothing here changes a request, a response or an error, or blocks: the handler only reads the
 * observation's prompt and response, and spans go to the tracer's buffer.
 */
public final class BraintrustSpringAi {
  private BraintrustSpringAi() {}

  /**
   * The handler that makes Spring AI's chat and embedding model observations spans; add it to the
   * {@link ObservationRegistry} the models are built with ({@code
   * registry.observationConfig().observationHandler(...)}). It ignores every other observation.
   *
   * @param tracer the tracer to record spans with
   * @return the handler
   */
  public static ObservationHandler<Observation.Context> observationHandler(Tracer tracer) {
    return new ObservationSpans(named(tracer));
  }

  /**
   * A new registry with only {@link #observationHandler(Tracer)}, for models built by hand in an
   * application with no registry of its own.
   *
   * @param tracer the tracer to record spans with
   * @return the registry
   */
  public static ObservationRegistry observationRegistry(Tracer tracer) {
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(observationHandler(tracer));
    return registry;
  }

  /**
   * A chat model that adds {@code time_to_first_token} (and, for a stream the caller cancels, the
   * text that arrived) to its streamed calls' spans: an observation never sees the chunks. Calls
   * and streams are the wrapped model's, unchanged. Wrapping a wrapped model returns it unchanged.
   *
   * @param model the model whose streams to time
   * @return the timing model
   */
  public static ChatModel timeStreams(ChatModel model) {
    Objects.requireNonNull(model, "model");
    return model instanceof TimedChatModel ? model : new TimedChatModel(model);
  }

  /**
   * A ChatClient advisor that adds {@code time_to_first_token} to the spans of streams made through
   * the client ({@code ChatClient.builder(model).defaultAdvisors(...)}), for models {@link
   * #timeStreams} can't stand in for. Requires {@code spring-ai-client-chat}.
   *
   * @return the advisor
   */
  public static StreamAdvisor streamTimingAdvisor() {
    return new StreamTimingAdvisor();
  }

  /** The tracer naming this module as its spans' origin, unless the caller named another. */
  private static Tracer named(Tracer tracer) {
    return Objects.requireNonNull(tracer, "tracer")
        .withDefaultInstrumentation(Instrumentation.NAME);
  }
}
