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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
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
 * caller's span is current: it becomes the parent. A later turn of a streamed tool loop starts on a
 * scheduler thread, under the first turn's observation; it takes the first turn's parent, and ends
 * the first turn's span (see {@link #nextTurn}).
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

  /**
   * What the handler keeps in an observation's context between start and stop. {@code row} holds
   * the request's fields until the span ends, when the response's join them and the span gets one
   * log: a second log's maps, and their merge into the first's, cost the caller's thread more than
   * the rest of the handler. Only the thread that {@linkplain CallSpan#claimEnd claims the end}
   * touches it after start.
   */
  private record Call(
      CallSpan span, @Nullable Span parent, StreamMarks.@Nullable Mark mark, Log.Builder row) {}

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
      Call enclosing = enclosing(context);
      Span parent = enclosing == null ? Tracing.currentSpan() : enclosing.parent();
      CallSpan span = new CallSpan(tracer.startSpan(chat ? CHAT : EMBEDDING, SpanType.LLM, parent));
      StreamMarks.Mark mark = null;
      if (chat && enclosing != null) {
        mark = nextTurn(enclosing, (Prompt) request, span);
      } else if (chat) {
        mark = StreamMarks.claim(span);
      }
      Log.Builder row = Log.builder();
      // Guarded apart: the span is open, so the call must reach the context whatever this costs.
      try {
        String provider =
            m.getOperationMetadata() == null
                ? null
                : Rows.provider(m.getOperationMetadata().provider());
        row =
            chat
                ? Rows.request((Prompt) request, provider)
                : Rows.request((EmbeddingRequest) request, provider);
        PromptMetadata prompt = PromptMetadata.current();
        if (prompt != null) {
          // After the request so none of its fields can overwrite it.
          row.metadata("prompt", prompt.toMap());
        }
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("could not read a Spring AI model request for its span: {}", e.toString());
      }
      context.put(Call.class, new Call(span, parent, mark, row));
    } catch (RuntimeException | LinkageError e) {
      // A Spring AI version whose API moved costs the span, never the caller's call.
      LOG.warn("could not start a span for a Spring AI model call: {}", e.toString());
    }
  }

  @Override
  public void onStop(Observation.Context context) {
    Call call = context.get(Call.class);
    if (call == null) {
      return;
    }
    try {
      end(call, context);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("could not end the span of a Spring AI model call: {}", e.toString());
      call.span().fail(e);
    }
  }

  private static void end(Call call, Observation.Context context) {
    Throwable error = context.getError();
    Object response = ((ModelObservationContext<?, ?>) context).getResponse();
    if (!call.span().claimEnd()) {
      return;
    }
    Log.Builder row = call.row();
    // Ends whatever reading the response does: the end is claimed, nobody else will.
    try {
      record(row, call, error, response);
    } finally {
      call.span().end(row);
    }
  }

  private static void record(
      Log.Builder row, Call call, @Nullable Throwable error, @Nullable Object response) {
    if (error != null) {
      row.error(error);
    } else if (response instanceof ChatResponse) {
      StreamMarks.Mark mark = call.mark();
      Rows.responseOrLogged(row, (ChatResponse) response, mark == null ? null : mark.usage());
    } else if (response instanceof EmbeddingResponse) {
      embedding(row, (EmbeddingResponse) response);
    } else {
      // Stopped with neither a response nor an error: the caller cancelled the stream.
      StreamMarks.Mark mark = call.mark();
      if (mark != null) {
        Rows.partial(row, mark.text());
      }
      row.metadata("cancelled", true);
    }
  }

  private static void embedding(Log.Builder row, EmbeddingResponse response) {
    try {
      Rows.response(row, response);
    } catch (RuntimeException e) {
      LOG.warn("could not read a Spring AI embedding response for its span: {}", e.toString());
    }
  }

  /** The call of the nearest enclosing model observation we made a span for, if any. */
  private static @Nullable Call enclosing(Observation.Context context) {
    ObservationView up = context.getParentObservation();
    for (int depth = 0; up != null && depth < 16; depth++) {
      Observation.ContextView view = up.getContextView();
      Call enclosing = view.get(Call.class);
      if (enclosing != null) {
        return enclosing;
      }
      up = view.getParentObservation();
    }
    return null;
  }

  /**
   * A streamed tool loop's next turn starting under the previous turn's observation. Spring AI
   * stops that observation only when the whole loop ends, with the last turn's reply, and never
   * lets the tool-call chunks through; but the new turn's prompt ends with that assistant message
   * and the tool results. So the previous turn ends here, its output the tool calls, and the first-
   * token mark moves to the new turn, whose chunks the caller is about to receive.
   */
  private static StreamMarks.@Nullable Mark nextTurn(Call previous, Prompt prompt, CallSpan span) {
    List<Message> messages = prompt.getInstructions();
    for (int i = messages.size() - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (m instanceof AssistantMessage && ((AssistantMessage) m).hasToolCalls()) {
        if (previous.span().claimEnd()) {
          Map<String, Object> choice = new LinkedHashMap<>();
          choice.put("index", 0);
          choice.put("message", Rows.assistant((AssistantMessage) m));
          choice.put("finish_reason", "tool_calls");
          previous.span().end(previous.row().output(List.of(choice)));
        }
        break;
      }
    }
    StreamMarks.Mark mark = previous.mark();
    if (mark != null) {
      mark.moveTo(span);
    }
    return mark;
  }
}
