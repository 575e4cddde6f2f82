package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.RowBuffer;
import dev.braintrust.reactive.otel.BraintrustSpanProcessor;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.jdk.JdkTransport;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * One run of each pipeline: our spans through the exporter and the Reactor Netty client into a
 * loopback sink at a given gzip level; the same spans through the OpenTelemetry SDK, a
 * BatchSpanProcessor and the OTLP/HTTP exporter (gzip at the JDK default level, 6); and the
 * serialise+gzip limit with no network. {@link EndToEndSuite} runs them in interleaved rounds.
 */
final class EndToEndBenchmark {
  /**
   * One measured run: events acknowledged, seconds, bytes the sink received, requests, drops, and
   * CPU seconds (the whole process for a pipeline: producer, pipeline and sink; the workers' own
   * threads for the limit), and CPU µs per event by thread role where measured (else empty).
   */
  record Result(
      String name,
      long events,
      double seconds,
      long wireBytes,
      long requests,
      long dropped,
      double cpuSeconds,
      Map<String, Double> threadMicros) {
    double eventsPerSecond() {
      return events / seconds;
    }

    double cpuMicrosPerEvent() {
      return cpuSeconds * 1e6 / Math.max(1, events);
    }

    double wireBytesPerEvent() {
      return (double) wireBytes / Math.max(1, events);
    }

    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "%,.0f events/s, %.1f B/event, %.2f CPU µs/event, %d requests, %d dropped",
          eventsPerSecond(),
          wireBytesPerEvent(),
          cpuMicrosPerEvent(),
          requests,
          dropped);
    }
  }

  private static final byte[] HEAD = "{\"events\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL = "]}".getBytes(StandardCharsets.UTF_8);

  static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private EndToEndBenchmark() {}

  /** Records the workload's span on our tracer. */
  static void recordOurs(Tracer tracer) {
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
   * Serialise + gzip (at {@code level}) of the same rows with no network, on {@code threads}
   * threads: the work our pipeline must do per event at the very least.
   */
  static Result limit(int events, int threads, int level) throws Exception {
    List<BraintrustEvent> rows = new ArrayList<>(1000);
    Tracer capture = Tracer.create(rows::add, Destination.projectLogs("bench"));
    for (int i = 0; i < 1000; i++) {
      recordOurs(capture);
    }
    EventEncoder encoder = new EventEncoder();
    AtomicLong wire = new AtomicLong();
    AtomicLong cpu = new AtomicLong();
    int batches = Math.max(1, events / rows.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int share = batches / threads + (t < batches % threads ? 1 : 0);
        work.add(
            pool.submit(
                () -> {
                  long cpu0 = THREADS.getCurrentThreadCpuTime();
                  int hint = 64 * 1024;
                  for (int b = 0; b < share; b++) {
                    // As the exporter does: every row straight into one buffer per request body.
                    RowBuffer body = new RowBuffer(hint);
                    body.write(HEAD, 0, HEAD.length);
                    for (int i = 0; i < rows.size(); i++) {
                      if (i > 0) {
                        body.write(',');
                      }
                      encoder.encodeTo(rows.get(i), body);
                    }
                    body.write(TAIL, 0, TAIL.length);
                    hint = body.length() + 1024;
                    wire.addAndGet(gzip(body.array(), body.length(), level));
                  }
                  cpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      double s = (System.nanoTime() - start) / 1e9;
      return new Result(
          "limit, " + threads + (threads == 1 ? " thread" : " threads") + ", level " + level,
          (long) batches * rows.size(),
          s,
          wire.get(),
          0,
          0,
          cpu.get() / 1e9,
          Map.of());
    } finally {
      pool.shutdown();
    }
  }

  /** The gzipped size of {@code length} bytes at {@code level}, as the client compresses. */
  static int gzip(byte[] data, int length, int level) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(length / 4 + 64);
    try (GZIPOutputStream gz =
        new GZIPOutputStream(out, 64 * 1024) {
          {
            def.setLevel(level);
          }
        }) {
      gz.write(data, 0, length);
    }
    return out.size();
  }

  /**
   * tracing-core spans through the exporter (capacity 20,000, {@code block} so nothing is dropped)
   * and the Reactor Netty client gzipping at {@code level} into the sink.
   */
  static Result ours(int events, SinkServer sink, int level) {
    sink.reset();
    BraintrustClient client =
        BraintrustClient.builder().apiKey("bench").baseUrl(sink.url()).gzipLevel(level).build();
    BraintrustExporter exporter =
        BraintrustExporter.builder(client)
            .capacity(20_000)
            .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(60)))
            .build();
    Tracer tracer = Tracer.create(exporter, Destination.projectLogs("bench"));
    long cpu0 = OS.getProcessCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      recordOurs(tracer);
    }
    exporter.flush().block(Duration.ofMinutes(5));
    double s = (System.nanoTime() - start) / 1e9;
    double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
    ExporterStats st = exporter.stats();
    exporter.close();
    return new Result(
        "ours, gzip level " + level,
        st.delivered(),
        s,
        sink.bytes.get(),
        sink.requests.get(),
        st.droppedTotal() + st.failed(),
        cpu,
        Map.of());
  }

  /**
   * The OpenTelemetry SDK user's setup ({@code OTEL_TRACES_EXPORTER=braintrust}): the same OTel
   * spans as {@link #otel}, through our span processor and exporter on the JDK HttpClient transport
   * (what the agent extension sends with) at {@code level}. The buffer blocks when full, as the
   * OTel run's queue holds the whole run: both deliver everything.
   */
  static Result otelBridge(int events, SinkServer sink, int level) {
    sink.reset();
    BraintrustExporter exporter =
        BraintrustExporter.builder(
                JdkTransport.builder().apiKey("bench").baseUrl(sink.url()).gzipLevel(level).build())
            .capacity(20_000)
            .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(60)))
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(
                BraintrustSpanProcessor.builder(exporter)
                    .destination(Destination.projectLogs("bench"))
                    .build())
            .build();
    io.opentelemetry.api.trace.Tracer t = provider.get("bench");
    ThreadCpu threads0 = ThreadCpu.self();
    long cpu0 = OS.getProcessCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      otelSpan(t).end();
    }
    exporter.flush().block(Duration.ofMinutes(5));
    double s = (System.nanoTime() - start) / 1e9;
    double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
    Map<String, Double> split = split(threads0, events);
    ExporterStats st = exporter.stats();
    provider.shutdown().join(30, TimeUnit.SECONDS);
    exporter.close();
    return new Result(
        "OTel SDK + our span processor + JDK HttpClient, gzip level " + level,
        st.delivered(),
        s,
        sink.bytes.get(),
        sink.requests.get(),
        events - st.delivered(),
        cpu,
        split);
  }

  /** CPU µs per event by thread role since {@code before}, this thread the producer. */
  private static Map<String, Double> split(ThreadCpu before, int events) {
    return ThreadCpu.roles(
        ThreadCpu.self().since(before, events), Thread.currentThread().getName());
  }

  /** Records the workload's span on an OpenTelemetry tracer, the content as string attributes. */
  static io.opentelemetry.api.trace.Span otelSpan(io.opentelemetry.api.trace.Tracer t) {
    io.opentelemetry.api.trace.Span span = t.spanBuilder("Chat Completion").startSpan();
    span.setAttribute(AttributeKey.stringKey("gen_ai.prompt"), Workload.MESSAGES_JSON);
    span.setAttribute(AttributeKey.stringKey("gen_ai.completion"), Workload.OUTPUT_JSON);
    span.setAttribute(AttributeKey.stringKey("gen_ai.request.model"), "gpt-4o-mini");
    span.setAttribute(AttributeKey.stringKey("user_id"), "u-1234");
    span.setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 250L);
    span.setAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), 120L);
    return span;
  }

  /**
   * The same spans through the OTel SDK, a BatchSpanProcessor and the OTLP/HTTP exporter (gzip at
   * the JDK default level).
   */
  static Result otel(int events, SinkServer sink) {
    sink.reset();
    AtomicLong exported = new AtomicLong();
    SpanExporter otlp =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(sink.url() + "/v1/traces")
            .setCompression("gzip")
            .build();
    SpanExporter counting = new AckedSpanExporter(otlp, spans -> exported.addAndGet(spans.size()));
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
    ThreadCpu threads0 = ThreadCpu.self();
    long cpu0 = OS.getProcessCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      otelSpan(t).end();
    }
    provider.forceFlush().join(5, TimeUnit.MINUTES);
    double s = (System.nanoTime() - start) / 1e9;
    double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
    Map<String, Double> split = split(threads0, events);
    provider.shutdown().join(30, TimeUnit.SECONDS);
    return new Result(
        "OTel SDK + BatchSpanProcessor + OTLP/HTTP, gzip (JDK default level 6)",
        exported.get(),
        s,
        sink.bytes.get(),
        sink.requests.get(),
        events - exported.get(),
        cpu,
        split);
  }
}
