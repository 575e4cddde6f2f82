package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** End-to-end throughput into a loopback sink, the same work through OTel + OTLP, and the limit. */
final class EndToEndBenchmark {
  /** One measured run. */
  static final class Result {
    final String name;
    final long events;
    final double seconds;
    final long wireBytes;
    final long peakHeapMiB;
    final String note;

    Result(
        String name, long events, double seconds, long wireBytes, long peakHeapMiB, String note) {
      this.name = name;
      this.events = events;
      this.seconds = seconds;
      this.wireBytes = wireBytes;
      this.peakHeapMiB = peakHeapMiB;
      this.note = note;
    }

    double eventsPerSecond() {
      return events / seconds;
    }
  }

  private EndToEndBenchmark() {}

  private static void recordOurs(Tracer tracer) {
    dev.braintrust.reactive.core.Span span = tracer.startSpan("Chat Completion", SpanType.LLM);
    span.log(
        Log.builder()
            .input(Workload.MESSAGES)
            .output(Workload.OUTPUT)
            .metadata("model", "gpt-4o-mini")
            .metadata("user_id", "u-1234")
            .metric("prompt_tokens", 250)
            .metric("completion_tokens", 120)
            .metric("tokens", 370)
            .build());
    span.end();
  }

  /**
   * Serialise + gzip of the same rows with no network, on {@code threads} threads: the work our
   * pipeline must do per event at the very least.
   */
  static Result limit(int events, int threads) throws Exception {
    List<BraintrustEvent> rows = new ArrayList<>(1000);
    Tracer capture = Tracer.create(rows::add, Destination.projectLogs("bench"));
    for (int i = 0; i < 1000; i++) {
      recordOurs(capture);
    }
    EventEncoder encoder = new EventEncoder();
    AtomicLong wire = new AtomicLong();
    int batches = events / rows.size();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    HeapProbe.reset();
    long start = System.nanoTime();
    List<java.util.concurrent.Future<?>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int share = batches / threads + (t < batches % threads ? 1 : 0);
      work.add(
          pool.submit(
              () -> {
                for (int b = 0; b < share; b++) {
                  List<byte[]> encoded = new ArrayList<>(rows.size());
                  for (BraintrustEvent e : rows) {
                    encoded.add(encoder.encode(e).json());
                  }
                  ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
                  try (GZIPOutputStream gz =
                      new GZIPOutputStream(out, 64 * 1024) {
                        {
                          def.setLevel(Deflater.BEST_SPEED);
                        }
                      }) {
                    EncodedBatch.of(encoded).writeBody(gz);
                  }
                  wire.addAndGet(out.size());
                }
                return null;
              }));
    }
    for (java.util.concurrent.Future<?> f : work) {
      f.get();
    }
    double s = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return new Result(
        "limit: Jackson + gzip, "
            + threads
            + (threads == 1 ? " thread" : " threads")
            + ", no network",
        (long) batches * rows.size(),
        s,
        wire.get(),
        HeapProbe.peakMiB(),
        "");
  }

  /** tracing-core spans through the exporter and the Reactor Netty client into the sink. */
  static Result ours(int events, SinkServer sink) {
    sink.reset();
    BraintrustClient client =
        BraintrustClient.builder().apiKey("bench").baseUrl(sink.url()).build();
    BraintrustExporter exporter =
        BraintrustExporter.builder(client)
            .capacity(20_000)
            .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(60)))
            .build();
    Tracer tracer = Tracer.create(exporter, Destination.projectLogs("bench"));
    HeapProbe.reset();
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      recordOurs(tracer);
    }
    exporter.flush().block(Duration.ofMinutes(5));
    double s = (System.nanoTime() - start) / 1e9;
    long heap = HeapProbe.peakMiB();
    ExporterStats st = exporter.stats();
    exporter.close();
    return new Result(
        "braintrust-reactive (this library)",
        st.delivered(),
        s,
        sink.bytes.get(),
        heap,
        "dropped " + st.droppedTotal() + ", " + sink.requests.get() + " requests");
  }

  /**
   * The same spans through the OTel SDK, a BatchSpanProcessor and the OTLP/HTTP exporter (gzip).
   */
  static Result otel(int events, SinkServer sink) {
    sink.reset();
    AtomicLong exported = new AtomicLong();
    SpanExporter otlp =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(sink.url() + "/v1/traces")
            .setCompression("gzip")
            .build();
    SpanExporter counting =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            CompletableResultCode r = otlp.export(spans);
            r.whenComplete(
                () -> {
                  if (r.isSuccess()) {
                    exported.addAndGet(spans.size());
                  }
                });
            return r;
          }

          @Override
          public CompletableResultCode flush() {
            return otlp.flush();
          }

          @Override
          public CompletableResultCode shutdown() {
            return otlp.shutdown();
          }
        };
    // The BatchSpanProcessor can't push back, so its queue holds the whole run: no drops.
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(
                BatchSpanProcessor.builder(counting)
                    .setMaxQueueSize(events)
                    .setMaxExportBatchSize(1000)
                    .build())
            .build();
    io.opentelemetry.api.trace.Tracer t = provider.get("bench");
    HeapProbe.reset();
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      io.opentelemetry.api.trace.Span span = t.spanBuilder("Chat Completion").startSpan();
      span.setAttribute(AttributeKey.stringKey("gen_ai.prompt"), Workload.MESSAGES_JSON);
      span.setAttribute(AttributeKey.stringKey("gen_ai.completion"), Workload.OUTPUT_JSON);
      span.setAttribute(AttributeKey.stringKey("gen_ai.request.model"), "gpt-4o-mini");
      span.setAttribute(AttributeKey.stringKey("user_id"), "u-1234");
      span.setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 250L);
      span.setAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), 120L);
      span.end();
    }
    provider.forceFlush().join(5, TimeUnit.MINUTES);
    double s = (System.nanoTime() - start) / 1e9;
    long heap = HeapProbe.peakMiB();
    provider.shutdown().join(30, TimeUnit.SECONDS);
    return new Result(
        "OTel SDK + BatchSpanProcessor + OTLP/HTTP gzip",
        exported.get(),
        s,
        sink.bytes.get(),
        heap,
        sink.requests.get() + " requests");
  }

  /**
   * A producer much faster than a slow network: peak heap stays near what the buffer capacity
   * holds, whatever the number of events produced; the rest is dropped and counted.
   */
  static Result boundedHeap(int events, int capacity) {
    try (SinkServer slow = new SinkServer(Duration.ofMillis(100))) {
      BraintrustClient client =
          BraintrustClient.builder().apiKey("bench").baseUrl(slow.url()).build();
      BraintrustExporter exporter =
          BraintrustExporter.builder(client).capacity(capacity).maxBatchEvents(500).build();
      Tracer tracer = Tracer.create(exporter, Destination.projectLogs("bench"));
      HeapProbe.reset();
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        recordOurs(tracer);
      }
      double s = (System.nanoTime() - start) / 1e9;
      long heap = HeapProbe.peakMiB();
      ExporterStats st = exporter.stats();
      exporter.shutdown(Duration.ofMillis(1)).block();
      return new Result(
          "slow network, capacity " + capacity,
          events,
          s,
          slow.bytes.get(),
          heap,
          "accepted "
              + st.accepted()
              + ", dropped "
              + st.droppedTotal()
              + " (queue_full, counted)");
    }
  }
}
