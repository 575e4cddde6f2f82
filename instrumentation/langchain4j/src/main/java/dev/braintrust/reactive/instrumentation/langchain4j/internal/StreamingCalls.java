package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.List;
import java.util.Set;

/**
 * A streaming model whose calls are {@code llm} spans that, unlike a listener's, see the stream:
 * the first partial response gives {@code time_to_first_token}, and cancelling through the handle
 * LangChain4j passes to the handler ends the span (a listener is never told). Everything else is
 * the wrapped model's: its listeners still fire, its handler callbacks arrive unchanged.
 */
public final class StreamingCalls implements StreamingChatModel {
  private static final LibraryLog LOG = LibraryLog.get(StreamingCalls.class);

  private final StreamingChatModel delegate;
  private final Tracer tracer;

  public StreamingCalls(StreamingChatModel delegate, Tracer tracer) {
    this.delegate = delegate;
    this.tracer = tracer;
  }

  /** The model this one traces. */
  public StreamingChatModel delegate() {
    return delegate;
  }

  @Override
  public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
    chat(request, ChatRequestOptions.EMPTY, handler);
  }

  @Override
  public void chat(
      ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
    Span parent = ModelCalls.parentFor(request.messages());
    CallSpan span =
        new CallSpan(tracer.startSpan(ChatSpanListener.SPAN_NAME, SpanType.LLM, parent));
    try {
      // The parameters the model will send: its defaults overridden by the request's.
      ChatRequest effective =
          ChatRequest.builder()
              .messages(request.messages())
              .parameters(delegate.defaultRequestParameters().overrideWith(request.parameters()))
              .build();
      span.log(Rows.request(effective, Rows.provider(delegate.provider(), delegate)));
    } catch (RuntimeException e) {
      LOG.warn("could not record a streaming chat request: {}", e.toString());
    }
    Rows.prompt(span);
    boolean outer = ModelCalls.enter();
    try {
      delegate.chat(request, options, new TracingHandler(handler, span, parent));
    } catch (Throwable t) {
      span.fail(t);
      throw t;
    } finally {
      ModelCalls.exit(outer);
    }
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    delegate.doChat(request, handler);
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return delegate.defaultRequestParameters();
  }

  @Override
  public List<ChatModelListener> listeners() {
    return delegate.listeners();
  }

  @Override
  public ModelProvider provider() {
    return delegate.provider();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return delegate.supportedCapabilities();
  }

  @Override
  public String toString() {
    return "Braintrust-traced " + delegate;
  }
}
