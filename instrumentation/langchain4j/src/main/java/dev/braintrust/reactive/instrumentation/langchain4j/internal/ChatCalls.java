package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Set;

/**
 * A chat model whose calls are {@code llm} spans, for models the application can't register a
 * listener on (an AI Service's model is wrapped this way). The wrapped model's own listeners still
 * run; a {@link ChatSpanListener} among them steps aside so the call is traced once.
 */
public final class ChatCalls implements ChatModel {
  private static final LibraryLog LOG = LibraryLog.get(ChatCalls.class);

  private final ChatModel delegate;
  private final Tracer tracer;

  public ChatCalls(ChatModel delegate, Tracer tracer) {
    this.delegate = delegate;
    this.tracer = tracer;
  }

  /** The model this one traces. */
  public ChatModel delegate() {
    return delegate;
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    return chat(request, ChatRequestOptions.EMPTY);
  }

  @Override
  public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
    CallSpan span =
        new CallSpan(
            tracer.startSpan(
                ChatSpanListener.SPAN_NAME,
                SpanType.LLM,
                ModelCalls.parentFor(request.messages())));
    try {
      ChatRequest effective =
          ChatRequest.builder()
              .messages(request.messages())
              .parameters(delegate.defaultRequestParameters().overrideWith(request.parameters()))
              .build();
      span.log(Rows.request(effective, Rows.provider(delegate.provider(), delegate)));
    } catch (RuntimeException e) {
      LOG.warn("could not record a chat request: {}", e.toString());
    }
    Rows.prompt(span);
    boolean outer = ModelCalls.enter();
    ChatResponse response;
    try {
      response = delegate.chat(request, options);
    } catch (RuntimeException | Error e) {
      span.fail(e);
      throw e;
    } finally {
      ModelCalls.exit(outer);
    }
    if (span.claimEnd()) {
      span.end(Rows.responseOrNull(response));
    }
    return response;
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    return delegate.doChat(request);
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
