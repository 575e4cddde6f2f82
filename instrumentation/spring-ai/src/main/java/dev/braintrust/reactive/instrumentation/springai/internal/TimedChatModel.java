package dev.braintrust.reactive.instrumentation.springai.internal;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

/** A chat model whose streams are {@linkplain StreamMarks#timed timed}; all else is delegated. */
public final class TimedChatModel implements ChatModel {
  private final ChatModel delegate;

  public TimedChatModel(ChatModel delegate) {
    this.delegate = delegate;
  }

  /** The model this one times. */
  public ChatModel delegate() {
    return delegate;
  }

  @Override
  public ChatResponse call(Prompt prompt) {
    return delegate.call(prompt);
  }

  @Override
  public Flux<ChatResponse> stream(Prompt prompt) {
    return StreamMarks.timed(() -> delegate.stream(prompt));
  }

  @Override
  public ChatOptions getDefaultOptions() {
    return delegate.getDefaultOptions();
  }

  @Override
  public String toString() {
    return "Braintrust-timed " + delegate;
  }
}
