package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.instrumentation.springai.BraintrustSpringAi;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.netty.DisposableServer;

/**
 * The Spring AI wrapper alone, without Spring AI's or Micrometer's own work or a network: the
 * wrapper is an observation handler, so each call here makes a fresh {@link
 * ChatModelObservationContext} holding the prompt and the response one real call observed (its
 * options merged, its usage the provider's own object), and runs the hooks Micrometer runs on a
 * handler for it ({@code supportsContext}, {@code onStart}, {@code onStop}): ours, or one that does
 * nothing. With a call of a few µs instead of a few hundred, the caller-CPU difference stands out
 * of a loaded machine's noise.
 */
final class SpringAiHandlerAlone implements WrapperInterleaved.Alone {
  private final BraintrustExporter exporter = Loopback.ackingExporter(100_000);
  private final ObservationHandler<Observation.Context> plain = new DoNothing();
  private final ObservationHandler<Observation.Context> traced =
      BraintrustSpringAi.observationHandler(
          Tracer.create(exporter, Destination.projectLogs("bench")));
  private final Prompt prompt;
  private final ChatResponse response;

  SpringAiHandlerAlone() {
    Capture capture = new Capture();
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(capture);
    DisposableServer server = Loopback.replying(SpringAiWrapperBenchmark.REPLY);
    try {
      ChatModel model = SpringAiWrapperBenchmark.model(server.port(), registry);
      model.call(SpringAiWrapperBenchmark.PROMPT);
    } finally {
      server.disposeNow(Duration.ofSeconds(5));
    }
    ChatModelObservationContext seen = capture.seen;
    if (seen == null || seen.getResponse() == null) {
      throw new IllegalStateException("the Spring AI call made no chat model observation");
    }
    prompt = seen.getRequest();
    response = seen.getResponse();
  }

  @Override
  public Object unwrapped() {
    return call(plain);
  }

  @Override
  public Object wrapped() {
    return call(traced);
  }

  private Object call(ObservationHandler<Observation.Context> handler) {
    ChatModelObservationContext context =
        ChatModelObservationContext.builder().prompt(prompt).provider("openai").build();
    if (handler.supportsContext(context)) {
      handler.onStart(context);
      context.setResponse(response);
      handler.onStop(context);
    }
    return context;
  }

  @Override
  public void flush() {
    WrapperInterleaved.flush(exporter);
  }

  @Override
  public void close() {
    exporter.close();
  }

  /** A handler of every observation that does nothing with it. */
  static final class DoNothing implements ObservationHandler<Observation.Context> {
    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  /** Keeps the last chat model observation it saw stop. */
  private static final class Capture implements ObservationHandler<Observation.Context> {
    volatile @Nullable ChatModelObservationContext seen;

    @Override
    public boolean supportsContext(Observation.Context context) {
      return context instanceof ChatModelObservationContext;
    }

    @Override
    public void onStop(Observation.Context context) {
      seen = (ChatModelObservationContext) context;
    }
  }
}
