package dev.braintrust.reactive.instrumentation.springai.internal;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.PromptMetadata;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.Tracing;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.model.observation.ModelObservationContext;

/**
 * Makes each Spring AI chat or embedding model observation an {@code llm} span. Spring AI's models
 * observe every provider round trip (each turn of their internal tool loop too) with the full
 * {@link Prompt} (default options merged) and, when it ends, the {@link ChatResponse}; the handler
 * only reads them, so requests, responses and errors reach the caller unchanged.
 *
 * <p>The observation starts on the thread that calls (or subscribes to) the model, where the
 * caller's span is current: it becomes the parent. A later turn of a streaming tool loop starts on
 * a scheduler thread, under the first turn's observation; it takes the first turn's parent.
 */
public final class ObservationSpans implements ObservationHandler<Observation.Context> {
  /** The chat span's name, as the OpenAI wrapper names chat spans. */
  public static final String CHAT = "Chat Completion";

  /** The embeddings span's name, as the OpenAI wrapper names them. */
  public static final String EMBEDDING = "Embedding";

  private static final LibraryLog LOG = LibraryLog.get(ObservationSpans.class);

  private final Tracer tracer;

  public ObservationSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  /** What the handler keeps in an observation's context between start and stop. */
  private record Call(CallSpan span, @Nullable Span parent, StreamMarks.@Nullable Mark mark) {}

  @Override
  public boolean supportsContext(Observation.Context context) {
    if (!(context instanceof ModelObservationContext)) {
      return false;
    }
    Object request = ((ModelObservationContext<?, ?>) context).getRequest();
    return request instanceof Prompt || request instanceof EmbeddingRequest;
  }

  @Override
  public void onStart(Observation.Context context) {
    try {
      ModelObservationContext<?, ?> m = (ModelObservationContext<?, ?>) context;
      Object request = m.getRequest();
      boolean chat = request instanceof Prompt;
      Span parent = parentFor(context);
      CallSpan span =
          new CallSpan(tracer.startSpan(chat ? CHAT : EMBEDDING, SpanType.LLM, parent));
      StreamMarks.Mark mark = chat ? StreamMarks.claim(span) : null;
      context.put(Call.class, new Call(span, parent, mark));
      String provider =
          m.getOperationMetadata() == null
              ? null
              : Rows.provider(m.getOperationMetadata().provider());
      span.log(
          chat
              ? Rows.request((Prompt) request, provider)
              : Rows.request((EmbeddingRequest) request, provider));
      PromptMetadata prompt = PromptMetadata.current();
      if (prompt != null) {
        // Logged after the request so none of its fields can overwrite it.
        span.log(Log.builder().metadata("prompt", prompt.toMap()));
      }
    } catch (RuntimeException e) {
      LOG.warn("could not start a span for a Spring AI model call: {}", e.toString());
    }
  }

  @Override
  public void onStop(Observation.Context context) {
    Call call = context.get(Call.class);
    if (call == null) {
      return;
    }
    Throwable error = context.getError();
    Object response = ((ModelObservationContext<?, ?>) context).getResponse();
    if (error != null) {
      call.span().fail(error);
    } else if (response instanceof ChatResponse) {
      if (call.span().claimEnd()) {
        call.span().end(Rows.responseOrNull((ChatResponse) response));
      }
    } else if (response instanceof EmbeddingResponse) {
      if (call.span().claimEnd()) {
        call.span().end(embeddingOrNull((EmbeddingResponse) response));
      }
    } else {
      // Stopped with neither a response nor an error: the caller cancelled the stream.
      StreamMarks.Mark mark = call.mark();
      call.span().cancel(mark == null ? Log.builder() : Rows.partial(mark.text()));
    }
  }

  private static Log.@Nullable Builder embeddingOrNull(EmbeddingResponse response) {
    try {
      return Rows.response(response);
    } catch (RuntimeException e) {
      LOG.warn("could not read a Spring AI embedding response for its span: {}", e.toString());
      return null;
    }
  }

  /** The parent an enclosing model observation chose, else the span current on this thread. */
  private static @Nullable Span parentFor(Observation.Context context) {
    ObservationView up = context.getParentObservation();
    for (int depth = 0; up != null && depth < 16; depth++) {
      Observation.ContextView view = up.getContextView();
      Call enclosing = view.get(Call.class);
      if (enclosing != null) {
        return enclosing.parent();
      }
      up = view.getParentObservation();
    }
    return Tracing.currentSpan();
  }
}
