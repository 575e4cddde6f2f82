package dev.braintrust.reactive.instrumentation.springai.internal;

import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * A ChatClient advisor that {@linkplain StreamMarks#timed times} the rest of the chain's stream,
 * for chat models that can't be proxied (final classes, as Spring AI 2.0's OpenAI model is). It
 * runs last before the model, so the model's observation starts on the thread the mark is left on.
 */
public final class StreamTimingAdvisor implements StreamAdvisor {
  /** Last before Spring AI's own terminal advisor, which calls the model. */
  static final int ORDER = Ordered.LOWEST_PRECEDENCE - 1;

  @Override
  public Flux<ChatClientResponse> adviseStream(
      ChatClientRequest request, StreamAdvisorChain chain) {
    return StreamMarks.timed(() -> chain.nextStream(request), ChatClientResponse::chatResponse);
  }

  @Override
  public String getName() {
    return "braintrustStreamTiming";
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
