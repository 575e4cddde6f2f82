package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.InsertResult;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import reactor.core.publisher.Mono;

/**
 * What one traced LLM span costs the calling thread: start, log input/output/metrics, end and
 * enqueue. The peer is the OpenTelemetry SDK recording the same span into a BatchSpanProcessor.
 * Both queues hold 10,000 spans, and both background threads serialise what they drain (ours to
 * JSON rows, the peer to OTLP protobuf) and then discard it, so each side's background work
 * competes for the same two cores as in production.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpanHotPathBenchmark {
  private static final AttributeKey<String> INPUT = AttributeKey.stringKey("gen_ai.prompt");
  private static final AttributeKey<String> OUTPUT = AttributeKey.stringKey("gen_ai.completion");
  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<Long> IN_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");

  BraintrustExporter exporter;
  Tracer tracer;
  SdkTracerProvider provider;
  io.opentelemetry.api.trace.Tracer otel;

  @Setup(Level.Trial)
  public void setUp() {
    exporter =
        BraintrustExporter.builder(
                (d, b) -> Mono.just(InsertResult.of(b.size(), b.bodyBytes(), 0, 1, 0)))
            .capacity(10_000)
            .build();
    tracer = Tracer.create(exporter, Destination.projectLogs("bench"));
    provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(
                BatchSpanProcessor.builder(new DiscardingExporter())
                    .setMaxQueueSize(10_000)
                    .build())
            .build();
    otel = provider.get("bench");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    exporter.close();
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Benchmark
  public Span braintrustSpan() {
    Span span = tracer.startSpan("Chat Completion", SpanType.LLM);
    span.log(
        Log.builder()
            .input(Workload.MESSAGES)
            .output(Workload.OUTPUT)
            .metadata("model", "gpt-4o-mini")
            .metric("prompt_tokens", 250)
            .metric("completion_tokens", 120)
            .build());
    span.end();
    return span;
  }

  @Benchmark
  public io.opentelemetry.api.trace.Span otelSdkSpan() {
    io.opentelemetry.api.trace.Span span = otel.spanBuilder("Chat Completion").startSpan();
    span.setAttribute(INPUT, Workload.MESSAGES_JSON);
    span.setAttribute(OUTPUT, Workload.OUTPUT_JSON);
    span.setAttribute(MODEL, "gpt-4o-mini");
    span.setAttribute(IN_TOKENS, 250L);
    span.setAttribute(OUT_TOKENS, 120L);
    span.end();
    return span;
  }

  /** Serialises each batch to OTLP protobuf, as the OTLP exporter would, then forgets it. */
  static final class DiscardingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      try {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 * 1024);
        io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler.create(spans)
            .writeBinaryTo(out);
        return CompletableResultCode.ofSuccess();
      } catch (java.io.IOException e) {
        return CompletableResultCode.ofFailure();
      }
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
