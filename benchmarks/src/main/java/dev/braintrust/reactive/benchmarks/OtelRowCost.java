package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.RowBuffer;
import dev.braintrust.reactive.otel.internal.SpanMapper;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The bridge's own work per span, alone on one thread: mapping a finished OTel span to a row and
 * encoding the row, for the four spans of {@link OtelSdkLoop}'s request and the end-to-end suite's
 * GenAI span ({@link EndToEndBenchmark#otelSpan}), by kind. No sockets, no other threads: on a
 * shared, loaded machine this is the figure that stays put from run to run, so before/after
 * comparisons of the mapping and encoding use it (the process-wide loop for the rest). Thread CPU
 * time, median of rounds.
 *
 * <pre>
 * java -cp ... dev.braintrust.reactive.benchmarks.OtelRowCost [iterations] [rounds]
 * </pre>
 */
public final class OtelRowCost {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final Destination DEST = Destination.projectLogs("bench");

  private OtelRowCost() {}

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    List<SpanData> spans = recorded();
    EventEncoder encoder = new EventEncoder();
    RowBuffer buffer = new RowBuffer(1 << 20);
    long sink = 0;
    for (SpanData span : spans) {
      double[] map = new double[rounds];
      double[] both = new double[rounds];
      // Warm-up, then rounds; mapping alone, then mapping and encoding.
      for (int r = -2; r < rounds; r++) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < iterations; i++) {
          sink += SpanMapper.toEvent(span, DEST, null, false).metadata().size();
        }
        long t1 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < iterations; i++) {
          BraintrustEvent e = SpanMapper.toEvent(span, DEST, null, false);
          if (buffer.length() > (1 << 19)) {
            buffer.truncate(0);
          }
          sink += encoder.encodeTo(e, buffer).size();
        }
        long t2 = THREADS.getCurrentThreadCpuTime();
        if (r >= 0) {
          map[r] = (t1 - t0) / (double) iterations;
          both[r] = (t2 - t1) / (double) iterations;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%-18s map %6.0f ns, map+encode %6.0f ns, row %d B%n",
          span.getName(),
          OtelSdkLoop.median(map),
          OtelSdkLoop.median(both),
          encoder.encode(SpanMapper.toEvent(span, DEST, null, false)).json().length);
    }
    System.out.println(sink == 42 ? "" : "done");
  }

  /** The four spans of one request of the demo app, as the SDK hands them to an exporter. */
  static List<SpanData> recorded() {
    return record(
        provider -> {
          OtelSdkLoop.request(provider.get("io.opentelemetry.java-http-server"), 1);
          // The end-to-end suite's span: messages as whole JSON strings (gen_ai.prompt,
          // completion).
          EndToEndBenchmark.otelSpan(provider.get("bench")).end();
        });
  }

  /** The spans {@code body} records on a tracer provider, as the SDK hands them to an exporter. */
  static List<SpanData> record(java.util.function.Consumer<SdkTracerProvider> body) {
    List<SpanData> done = new ArrayList<>();
    SpanExporter collect =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            done.addAll(spans);
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(collect)).build();
    body.accept(provider);
    provider.shutdown();
    return done;
  }
}
