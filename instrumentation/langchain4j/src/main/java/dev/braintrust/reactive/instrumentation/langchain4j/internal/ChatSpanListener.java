package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;

/**
 * Makes each chat call of the models it is registered on an {@code llm} span. LangChain4j calls
 * {@code onRequest} on the caller's thread, so the span's parent is the caller's current span;
 * {@code onResponse}/{@code onError} may come from another thread and find the span in the call's
 * attributes. Nothing here throws into the model.
 */
public final class ChatSpanListener implements ChatModelListener {
  /** The span's name, as the OpenAI wrapper names chat spans. */
  public static final String SPAN_NAME = "Chat Completion";

  private static final LibraryLog LOG = LibraryLog.get(ChatSpanListener.class);
  // A key no other listener can collide with.
  private static final Object SPAN =
      new Object() {
        @Override
        public String toString() {
          return "braintrust.span";
        }
      };

  private final Tracer tracer;

  public ChatSpanListener(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public void onRequest(ChatModelRequestContext ctx) {
    if (ModelCalls.insideTracedCall()) {
      return; // a traced streaming model already has a span for this call
    }
    try {
      CallSpan span =
          new CallSpan(
              tracer.startSpan(
                  SPAN_NAME, SpanType.LLM, ModelCalls.parentFor(ctx.chatRequest().messages())));
      ctx.attributes().put(SPAN, span);
      span.log(Rows.request(ctx.chatRequest(), Rows.provider(ctx.modelProvider(), null)));
      Rows.prompt(span);
    } catch (RuntimeException e) {
      LOG.warn("could not start a span for a chat request: {}", e.toString());
    }
  }

  @Override
  public void onResponse(ChatModelResponseContext ctx) {
    Object span = ctx.attributes().get(SPAN);
    if (span instanceof CallSpan && ((CallSpan) span).claimEnd()) {
      ((CallSpan) span).end(Rows.responseOrNull(ctx.chatResponse()));
    }
  }

  @Override
  public void onError(ChatModelErrorContext ctx) {
    Object span = ctx.attributes().get(SPAN);
    if (span instanceof CallSpan) {
      ((CallSpan) span).fail(ctx.error());
    }
  }
}
