package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import dev.braintrust.reactive.core.Tracer;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.AiServiceContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An AI Service builder whose services trace each call as an agent run: the models it is given are
 * traced (an already traced model is kept as is), tool executions get spans through the tool hooks
 * (the application's own hooks still run, after ours), and the run's span comes from the service's
 * events. Building is LangChain4j's own, on the same configuration.
 *
 * @param <T> the service interface
 */
public final class TracedAiServices<T> extends AiServices<T> {
  private final Tracer tracer;
  private final AgentSpans spans;
  private @Nullable Consumer<BeforeToolExecution> before;
  private @Nullable Consumer<ToolExecution> after;
  private boolean listening;

  public TracedAiServices(Class<T> serviceInterface, Tracer tracer) {
    super(AiServiceContext.create(serviceInterface));
    this.tracer = tracer;
    this.spans = new AgentSpans(tracer);
  }

  @Override
  public AiServices<T> chatModel(@Nullable ChatModel model) {
    return super.chatModel(
        model == null || model instanceof ChatCalls ? model : new ChatCalls(model, tracer));
  }

  @Override
  public AiServices<T> streamingChatModel(@Nullable StreamingChatModel model) {
    return super.streamingChatModel(
        model == null || model instanceof StreamingCalls
            ? model
            : new StreamingCalls(model, tracer));
  }

  @Override
  public AiServices<T> beforeToolExecution(@Nullable Consumer<BeforeToolExecution> hook) {
    this.before = hook;
    return this;
  }

  @Override
  public AiServices<T> afterToolExecution(@Nullable Consumer<ToolExecution> hook) {
    this.after = hook;
    return this;
  }

  @Override
  public T build() {
    Consumer<BeforeToolExecution> b = spans.beforeTool();
    Consumer<ToolExecution> a = spans.afterTool();
    context.toolService.beforeToolExecution(before == null ? b : b.andThen(before));
    context.toolService.afterToolExecution(after == null ? a : a.andThen(after));
    if (!listening) {
      // Once, however many services this builder builds: every listener sees every event.
      registerListeners(spans.listeners());
      listening = true;
    }
    return AiServices.<T>builder(context).build();
  }
}
