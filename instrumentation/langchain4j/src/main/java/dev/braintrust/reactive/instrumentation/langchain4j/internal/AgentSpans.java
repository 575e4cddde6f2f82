package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.Tracing;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.internal.Json;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.observability.api.event.AiServiceCompletedEvent;
import dev.langchain4j.observability.api.event.AiServiceErrorEvent;
import dev.langchain4j.observability.api.event.AiServiceEvent;
import dev.langchain4j.observability.api.event.AiServiceRequestIssuedEvent;
import dev.langchain4j.observability.api.event.AiServiceResponseReceivedEvent;
import dev.langchain4j.observability.api.event.AiServiceStartedEvent;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The spans of AI Service calls: each call (an agent run) is a {@code task} span, each tool it runs
 * a {@code tool} child, and each model call an {@code llm} child, made by the traced model, which
 * finds the run's span through {@link ModelCalls#announce}. Runs are found by LangChain4j's
 * invocation id, not the current thread: a streaming run continues on the HTTP client's threads and
 * runs tools on an executor's. Nothing here throws into LangChain4j.
 */
final class AgentSpans {
  private static final LibraryLog LOG = LibraryLog.get(AgentSpans.class);

  private final Tracer tracer;
  // Runs in flight; a run leaves when LangChain4j reports it completed or failed.
  private final ConcurrentHashMap<UUID, Run> runs = new ConcurrentHashMap<>();

  AgentSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  /** One agent run: its span, token sums over its model calls, and its tools still running. */
  private static final class Run {
    final Span span;
    final CallSpan call;
    // Guarded by this.
    long prompt;
    long completion;
    long total;
    boolean counted;
    final Map<ToolExecutionRequest, CallSpan> tools = new IdentityHashMap<>();

    Run(Span span) {
      this.span = span;
      this.call = new CallSpan(span);
    }
  }

  /** The listeners to register on the AI Service. */
  List<AiServiceListener<?>> listeners() {
    return List.of(
        listener(AiServiceStartedEvent.class, this::started),
        listener(AiServiceRequestIssuedEvent.class, this::requestIssued),
        listener(AiServiceResponseReceivedEvent.class, this::responseReceived),
        listener(AiServiceCompletedEvent.class, this::completed),
        listener(AiServiceErrorEvent.class, this::failed));
  }

  private static <E extends AiServiceEvent> AiServiceListener<E> listener(
      Class<E> type, Consumer<E> body) {
    return new AiServiceListener<>() {
      @Override
      public Class<E> getEventClass() {
        return type;
      }

      @Override
      public void onEvent(E event) {
        try {
          body.accept(event);
        } catch (RuntimeException e) {
          LOG.warn("could not trace an AI Service event {}: {}", type.getSimpleName(), e);
        }
      }
    };
  }

  private void started(AiServiceStartedEvent e) {
    // Started fires on the caller's thread: the run is a child of the caller's span.
    Span span =
        tracer.startSpan(e.invocationContext().methodName(), SpanType.TASK, Tracing.currentSpan());
    Run run = new Run(span);
    UUID id = e.invocationContext().invocationId();
    runs.put(id, run);
    // A streaming run the caller cancels gets no completed or error event: it ends with its call.
    ModelCalls.onCancel(span, () -> cancelled(id));
    List<ChatMessage> input = new ArrayList<>(2);
    e.systemMessage().ifPresent(input::add);
    if (e.userMessage() != null) {
      input.add(e.userMessage());
    }
    run.call.log(Log.builder().input(Rows.messages(input)));
  }

  private void requestIssued(AiServiceRequestIssuedEvent e) {
    Run run = runs.get(e.invocationContext().invocationId());
    if (run != null && e.request() != null) {
      ModelCalls.announce(run.span, e.request().messages());
    }
  }

  private void responseReceived(AiServiceResponseReceivedEvent e) {
    Run run = runs.get(e.invocationContext().invocationId());
    TokenUsage u = e.response() == null ? null : e.response().tokenUsage();
    if (run == null || u == null) {
      return;
    }
    synchronized (run) {
      run.counted = true;
      run.prompt += u.inputTokenCount() == null ? 0 : u.inputTokenCount();
      run.completion += u.outputTokenCount() == null ? 0 : u.outputTokenCount();
      run.total += u.totalTokenCount() == null ? 0 : u.totalTokenCount();
    }
  }

  private void completed(AiServiceCompletedEvent e) {
    Run run = runs.remove(e.invocationContext().invocationId());
    if (run == null) {
      return;
    }
    ModelCalls.forget(run.span);
    if (!run.call.claimEnd()) {
      return;
    }
    Log.Builder b = Log.builder();
    e.result().map(AgentSpans::output).ifPresent(b::output);
    endTools(run, null);
    synchronized (run) {
      if (run.counted) {
        b.metric("prompt_tokens", run.prompt);
        b.metric("completion_tokens", run.completion);
        b.metric("tokens", run.total);
      }
    }
    run.call.end(b);
  }

  private void cancelled(UUID id) {
    Run run = runs.remove(id);
    if (run != null) {
      endTools(run, null);
      run.call.cancel();
    }
  }

  private void failed(AiServiceErrorEvent e) {
    Run run = runs.remove(e.invocationContext().invocationId());
    if (run != null) {
      ModelCalls.forget(run.span);
      endTools(run, e.error());
      run.call.fail(e.error());
    }
  }

  // A tool that threw past LangChain4j's error handlers never reports its end: its span ends with
  // the run's.
  private static void endTools(Run run, @Nullable Throwable error) {
    List<CallSpan> open;
    synchronized (run) {
      open = new ArrayList<>(run.tools.values());
      run.tools.clear();
    }
    for (CallSpan t : open) {
      if (error != null) {
        t.fail(error);
      } else {
        t.cancel();
      }
    }
  }

  /** Opens a tool's span; LangChain4j calls it on the thread that then runs the tool. */
  Consumer<BeforeToolExecution> beforeTool() {
    return b -> {
      try {
        Run run = runs.get(b.invocationContext().invocationId());
        ToolExecutionRequest request = b.request();
        Span parent = run != null ? run.span : Tracing.currentSpan();
        CallSpan tool = new CallSpan(tracer.startSpan(request.name(), SpanType.TOOL, parent));
        tool.log(Log.builder().input(arguments(request.arguments())));
        if (run != null) {
          synchronized (run) {
            run.tools.put(request, tool);
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("could not start a span for a tool: {}", e.toString());
      }
    };
  }

  /** Ends a tool's span with its result, or its error when the tool failed. */
  Consumer<ToolExecution> afterTool() {
    return x -> {
      try {
        Run run = runs.get(x.invocationContext().invocationId());
        if (run == null) {
          return;
        }
        CallSpan tool;
        synchronized (run) {
          tool = run.tools.remove(x.request());
        }
        if (tool == null || !tool.claimEnd()) {
          return;
        }
        tool.end(
            x.hasFailed() ? Log.builder().error(x.result()) : Log.builder().output(x.result()));
      } catch (RuntimeException e) {
        LOG.warn("could not end a tool's span: {}", e.toString());
      }
    };
  }

  /** The model's arguments as JSON, as the guide's tool spans show them; else the text itself. */
  private static @Nullable Object arguments(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return text;
    }
    try {
      return Json.fromJson(text, Object.class);
    } catch (RuntimeException e) {
      return text;
    }
  }

  /** What the service method returned, as the run's output. */
  private static @Nullable Object output(@Nullable Object result) {
    if (result instanceof Result<?> r) {
      return output(r.content());
    }
    if (result instanceof ChatResponse r) {
      return r.aiMessage() == null ? null : r.aiMessage().text();
    }
    if (result == null
        || result instanceof CharSequence
        || result instanceof Number
        || result instanceof Boolean) {
      return result == null ? null : result instanceof CharSequence ? result.toString() : result;
    }
    return String.valueOf(result);
  }
}
