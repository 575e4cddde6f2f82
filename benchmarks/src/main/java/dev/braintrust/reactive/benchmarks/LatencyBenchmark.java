package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.BraintrustClientBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import reactor.core.publisher.Mono;

/**
 * Delivery latency at a steady offered load: the time from {@code span.end()} to the sink's
 * acknowledgement of the request carrying the span, for our pipeline and the OpenTelemetry one,
 * each with its default batching. Every span carries its end time ({@link System#nanoTime()}) in a
 * {@code bench_t} metadata key (ours) or attribute (OTel); a wrapper around each transport stamps
 * the moment a request's response arrives (ours: a {@link Transport} around {@link
 * BraintrustClient}; OTel: a {@link SpanExporter} around {@link OtlpHttpSpanExporter}, whose
 * result's completion is the acknowledgement) and attributes it to every span of that request. The
 * spans are read after the stamp, on a separate thread, so the bookkeeping delays nothing. A paced
 * producer thread ends spans at {@code bench.latency.rate} per second (open loop); spans ended in
 * the measured window count, the warm-up before and the tail after do not.
 */
final class LatencyBenchmark {
  static final String KEY = "bench_t";
  private static final byte[] NEEDLE = ("\"" + KEY + "\":").getBytes(StandardCharsets.UTF_8);
  private static final AttributeKey<Long> ATTRIBUTE = AttributeKey.longKey(KEY);

  /** One run: offered rate, spans ended in the window, of those acknowledged, percentiles in µs. */
  record Run(
      String name,
      double offeredPerSecond,
      int measured,
      int acked,
      double p50,
      double p90,
      double p99,
      double p999,
      double max) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,.0f spans/s offered, %d measured, %d acked, p50 %.0f µs, p99 %.0f µs, max %.0f µs",
          offeredPerSecond,
          measured,
          acked,
          p50,
          p99,
          max);
    }
  }

  /** End-to-ack samples of the spans that ended inside the measured window [from, to). */
  static final class Recorder {
    private volatile long from = Long.MAX_VALUE;
    private volatile long to = Long.MIN_VALUE;
    private final long[] samples;
    private final AtomicInteger count = new AtomicInteger();
    private final ExecutorService reader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "bench-latency-reader");
              t.setDaemon(true);
              return t;
            });

    Recorder(int expected) {
      this.samples = new long[expected + expected / 2 + 1024];
    }

    void window(long from, long to) {
      this.from = from;
      this.to = to;
    }

    /** Reads a request's end times off the caller's thread: {@code each} is given a consumer. */
    void acked(long ackNanos, java.util.function.Consumer<LongConsumer> each) {
      reader.execute(() -> each.accept(end -> record(end, ackNanos)));
    }

    private void record(long end, long ack) {
      if (end >= from && end < to) {
        int i = count.getAndIncrement();
        if (i < samples.length) {
          samples[i] = ack - end;
        }
      }
    }

    /** Waits for pending reads, then returns the sorted samples. */
    long[] finish() throws InterruptedException {
      reader.shutdown();
      reader.awaitTermination(30, TimeUnit.SECONDS);
      long[] s = Arrays.copyOf(samples, Math.min(count.get(), samples.length));
      Arrays.sort(s);
      return s;
    }
  }

  private LatencyBenchmark() {}

  /** Both pipelines in {@code bench.latency.rounds} interleaved rounds. */
  static Map<String, List<Run>> runAll() throws Exception {
    int rate = Settings.integer("bench.latency.rate");
    Map<String, List<Run>> out;
    try (SinkServer sink = new SinkServer(Duration.ZERO)) {
      Map<String, Rounds.Measurement<Run>> all = new LinkedHashMap<>();
      all.put("ours", () -> ours(rate, sink));
      all.put("otel", () -> otel(rate, sink));
      out = Rounds.run("latency", Settings.integer("bench.latency.rounds"), all);
    }
    return out;
  }

  /** Our exporter with its defaults over the client, timed by a transport wrapper. */
  static Run ours(int rate, SinkServer sink) throws Exception {
    BraintrustClientBuilder b = BraintrustClient.builder().apiKey("bench").baseUrl(sink.url());
    String level = Settings.get("bench.latency.level");
    if (!level.isEmpty()) {
      b.gzipLevel(Integer.parseInt(level));
    }
    Window w = new Window(rate);
    BraintrustExporter exporter =
        BraintrustExporter.builder(new AckTimer(b.build(), w.recorder)).build();
    Tracer tracer = Tracer.create(exporter, Destination.projectLogs("bench"));
    w.produce(
        () -> {
          dev.braintrust.reactive.core.Span span =
              tracer.startSpan("Chat Completion", SpanType.LLM);
          span.log(
              Log.builder()
                  .input(Workload.MESSAGES)
                  .output(Workload.OUTPUT)
                  .metadata("model", "gpt-4o-mini")
                  .metadata("user_id", "u-1234")
                  .metadata(KEY, System.nanoTime())
                  .metric("prompt_tokens", 250)
                  .metric("completion_tokens", 120)
                  .metric("tokens", 370)
                  .build());
          span.end();
        });
    exporter.flush().block(Duration.ofSeconds(60));
    Run r =
        w.result(
            "ours (exporter and client defaults"
                + (level.isEmpty() ? "" : ", gzip level " + level)
                + ")");
    exporter.close();
    return r;
  }

  /** The OTel SDK with a default BatchSpanProcessor and the OTLP/HTTP exporter (gzip). */
  static Run otel(int rate, SinkServer sink) throws Exception {
    Window w = new Window(rate);
    SpanExporter otlp =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(sink.url() + "/v1/traces")
            .setCompression("gzip")
            .build();
    SpanExporter timed =
        new AckedSpanExporter(
            otlp,
            spans -> {
              long ack = System.nanoTime();
              // The processor reuses its batch once the export completes: copy the end times now.
              long[] ends = new long[spans.size()];
              int n = 0;
              for (SpanData s : spans) {
                Long t = s.getAttributes().get(ATTRIBUTE);
                if (t != null) {
                  ends[n++] = t;
                }
              }
              int count = n;
              w.recorder.acked(
                  ack,
                  each -> {
                    for (int i = 0; i < count; i++) {
                      each.accept(ends[i]);
                    }
                  });
            });
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(BatchSpanProcessor.builder(timed).build())
            .build();
    io.opentelemetry.api.trace.Tracer t = provider.get("bench");
    w.produce(
        () -> {
          io.opentelemetry.api.trace.Span span = EndToEndBenchmark.otelSpan(t);
          span.setAttribute(ATTRIBUTE, System.nanoTime());
          span.end();
        });
    provider.forceFlush().join(60, TimeUnit.SECONDS);
    Run r = w.result("OTel SDK + BatchSpanProcessor (defaults) + OTLP/HTTP gzip");
    provider.shutdown().join(30, TimeUnit.SECONDS);
    return r;
  }

  /** The run's timeline: warm-up, measured window, tail; the paced producer and the samples. */
  private static final class Window {
    private static final long SECOND = 1_000_000_000L;
    final int rate;
    final long warmup = Settings.integer("bench.latency.warmup") * SECOND;
    final long seconds = Settings.integer("bench.latency.seconds") * SECOND;
    final long tail = Settings.integer("bench.latency.tail") * SECOND;
    final Recorder recorder;
    int measured;
    double offered;

    Window(int rate) {
      this.rate = rate;
      this.recorder = new Recorder((int) Math.min(50_000_000L, seconds / SECOND * rate));
    }

    /** Ends spans on schedule (parking, no spinning) from now until the tail is over. */
    void produce(Runnable span) {
      long start = System.nanoTime();
      long from = start + warmup;
      long to = from + seconds;
      long end = to + tail;
      recorder.window(from, to);
      long windowSpans = 0;
      for (long i = 0; ; i++) {
        long due = start + i * SECOND / rate;
        if (due >= end) {
          break;
        }
        for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
          LockSupport.parkNanos(due - now);
        }
        long before = System.nanoTime();
        span.run();
        if (before >= from && before < to) {
          windowSpans++;
        }
      }
      measured = (int) windowSpans;
      offered = windowSpans / (seconds / 1e9);
    }

    Run result(String name) throws InterruptedException {
      long[] s = recorder.finish();
      int n = s.length;
      return new Run(
          name,
          offered,
          measured,
          n,
          Stats.percentile(s, n, 0.50) / 1e3,
          Stats.percentile(s, n, 0.90) / 1e3,
          Stats.percentile(s, n, 0.99) / 1e3,
          Stats.percentile(s, n, 0.999) / 1e3,
          n == 0 ? 0 : s[n - 1] / 1e3);
    }
  }

  /** Stamps each acknowledged request and reads its rows' {@code bench_t} afterwards. */
  static final class AckTimer implements Transport {
    private final Transport delegate;
    private final Recorder recorder;

    AckTimer(Transport delegate, Recorder recorder) {
      this.delegate = delegate;
      this.recorder = recorder;
    }

    @Override
    public Mono<InsertResult> insertOnce(Destination destination, EncodedBatch batch) {
      return delegate.insertOnce(destination, batch).doOnNext(r -> acked(batch, r));
    }

    private void acked(EncodedBatch batch, InsertResult result) {
      long ack = System.nanoTime();
      recorder.acked(
          ack,
          each -> {
            for (byte[] row : batch.rows()) {
              long t = endTime(row);
              if (t != Long.MIN_VALUE) {
                each.accept(t);
              }
            }
          });
    }

    @Override
    public long maxRequestBytes() {
      return delegate.maxRequestBytes();
    }

    @Override
    public Mono<Void> shutdown() {
      return delegate.shutdown();
    }
  }

  /** The number after {@code "bench_t":} in a JSON row, or {@link Long#MIN_VALUE}. */
  static long endTime(byte[] row) {
    outer:
    for (int i = 0; i + NEEDLE.length < row.length; i++) {
      for (int k = 0; k < NEEDLE.length; k++) {
        if (row[i + k] != NEEDLE[k]) {
          continue outer;
        }
      }
      int at = i + NEEDLE.length;
      boolean negative = row[at] == '-';
      if (negative) {
        at++;
      }
      long v = 0;
      while (at < row.length && row[at] >= '0' && row[at] <= '9') {
        v = v * 10 + (row[at++] - '0');
      }
      return negative ? -v : v;
    }
    return Long.MIN_VALUE;
  }

  /** The latency table, per-round ratios ours/OTel. */
  static String section(Map<String, List<Run>> runs) {
    List<Run> ours = runs.get("ours");
    List<Run> otel = runs.get("otel");
    StringBuilder md = new StringBuilder();
    md.append("## Latency: `span.end()` to acknowledgement at a steady load (lower is better)\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "%s spans/s offered by one paced thread, %s s measured after %s s of warm-up, "
                    + "median of %d interleaved rounds (min–max). Both pipelines with their default "
                    + "batching (ours: batches of up to 1,000 events or 1 s; BatchSpanProcessor: 512 "
                    + "spans or 5 s, queue 2,048).%n%n",
                Settings.get("bench.latency.rate"),
                Settings.get("bench.latency.seconds"),
                Settings.get("bench.latency.warmup"),
                ours.size()))
        .append(
            "| pipeline | spans/s offered | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | not acknowledged |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    for (List<Run> rs : List.of(ours, otel)) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
              rs.get(0).name(),
              Stats.of(rs, Run::offeredPerSecond).med("%,.0f"),
              Stats.of(rs, r -> r.p50() / 1e3).format("%.1f"),
              Stats.of(rs, r -> r.p90() / 1e3).format("%.1f"),
              Stats.of(rs, r -> r.p99() / 1e3).format("%.1f"),
              Stats.of(rs, r -> r.p999() / 1e3).format("%.1f"),
              Stats.of(rs, r -> r.max() / 1e3).format("%.1f"),
              Stats.of(rs, r -> (double) (r.measured() - r.acked())).format("%.0f")));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%n- ours / OTel, per round: p50 %s, p99 %s%n",
            Stats.ratio(ours, Run::p50, otel, Run::p50).bold("%.2f"),
            Stats.ratio(ours, Run::p99, otel, Run::p99).bold("%.2f")));
    return md.toString();
  }
}
