package dev.braintrust.reactive.instrumentation.langchain4j;

import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.instrumentation.langchain4j.internal.ChatCalls;
import dev.braintrust.reactive.instrumentation.langchain4j.internal.ChatSpanListener;
import dev.braintrust.reactive.instrumentation.langchain4j.internal.EmbeddingSpanListener;
import dev.braintrust.reactive.instrumentation.langchain4j.internal.Instrumentation;
import dev.braintrust.reactive.instrumentation.langchain4j.internal.StreamingCalls;
import dev.braintrust.reactive.instrumentation.langchain4j.internal.TracedAiServices;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.service.AiServices;
import java.util.Objects;

/**
 * Traces LangChain4j models through their own extension points: every chat or embeddings call
 * becomes an {@code llm} span, child of the span current on the calling thread.
 *
 * <pre>{@code
 * ChatModel model = OpenAiChatModel.builder()
 *     .apiKey(key).modelName("gpt-4o-mini")
 *     .listeners(List.of(BraintrustLangChain4j.chatModelListener(tracer)))
 *     .build();
 * StreamingChatModel streaming = BraintrustLangChain4j.wrap(OpenAiStreamingChatModel.builder()...build(), tracer);
 *
 * // An AI Service: each call a task span, with llm and tool children, sync or streaming.
 * Assistant assistant = BraintrustLangChain4j.aiServices(Assistant.class, tracer)
 *     .chatModel(model).tools(new Calculator())
 *     .build();
 * }</pre>
 *
 * <p>Nothing here changes what the model returns or throws, or blocks: the listeners only read the
 * request and response, and spans go to the tracer's buffer.
 */
public final class BraintrustLangChain4j {
  private BraintrustLangChain4j() {}

  /**
   * A listener that traces every chat call, sync or streaming, of the models it is registered on
   * ({@code builder.listeners(...)}). For a streaming call the span ends with the assembled reply
   * when the stream completes or fails; LangChain4j doesn't tell listeners about partial responses
   * or cancellation, so use {@link #wrap(StreamingChatModel, Tracer)} for {@code
   * time_to_first_token} and for spans of cancelled streams.
   *
   * @param tracer the tracer to record spans with
   * @return the listener
   */
  public static ChatModelListener chatModelListener(Tracer tracer) {
    return new ChatSpanListener(named(tracer));
  }

  /**
   * A listener that traces every embeddings call of the models it is registered on.
   *
   * @param tracer the tracer to record spans with
   * @return the listener
   */
  public static EmbeddingModelListener embeddingModelListener(Tracer tracer) {
    return new EmbeddingSpanListener(named(tracer));
  }

  /**
   * An AI Service builder, as {@link AiServices#builder(Class)} returns, whose services trace every
   * call as an agent run: a {@code task} span named after the method (input: the system and user
   * messages; output: what the method returned; token counts summed over the run), with an {@code
   * llm} child per model call and a {@code tool} child per tool execution, in the order they ran.
   * This holds for streaming services too, whose tool loop continues on the HTTP client's threads:
   * the run is found by LangChain4j's invocation id, not by the thread. The models given to the
   * builder are traced as {@link #wrap(ChatModel, Tracer)} does; tool hooks the application sets
   * still run.
   *
   * @param serviceInterface the AI Service interface
   * @param tracer the tracer to record spans with
   * @param <T> the service interface
   * @return the builder
   */
  public static <T> AiServices<T> aiServices(Class<T> serviceInterface, Tracer tracer) {
    Objects.requireNonNull(serviceInterface, "serviceInterface");
    return new TracedAiServices<>(serviceInterface, named(tracer));
  }

  /**
   * A chat model that traces each call as an {@code llm} span, for a model built without {@link
   * #chatModelListener}. The model's own listeners still run; a {@link #chatModelListener} among
   * them steps aside so the call is traced once. Wrapping a wrapped model returns it unchanged.
   *
   * @param model the model to wrap
   * @param tracer the tracer to record spans with
   * @return the tracing model
   */
  public static ChatModel wrap(ChatModel model, Tracer tracer) {
    Objects.requireNonNull(model, "model");
    return model instanceof ChatCalls ? model : new ChatCalls(model, named(tracer));
  }

  /**
   * A streaming model that traces each call from request to the last partial response: {@code
   * time_to_first_token}, the assembled reply and tokens when it completes, the error when it
   * fails, and what arrived when the caller cancels through the handle LangChain4j passes to the
   * handler. The model's own listeners still run; a {@link #chatModelListener} among them steps
   * aside so the call is traced once. Wrapping a wrapped model returns it unchanged.
   *
   * @param model the model to wrap
   * @param tracer the tracer to record spans with
   * @return the tracing model
   */
  public static StreamingChatModel wrap(StreamingChatModel model, Tracer tracer) {
    Objects.requireNonNull(model, "model");
    return model instanceof StreamingCalls ? model : new StreamingCalls(model, named(tracer));
  }

  /** The tracer naming this module as its spans' origin, unless the caller named another. */
  private static Tracer named(Tracer tracer) {
    return Objects.requireNonNull(tracer, "tracer")
        .withDefaultInstrumentation(Instrumentation.NAME);
  }
}
