package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.RowBuffer;
import dev.braintrust.reactive.otel.internal.SpanMapper;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * What the request body's format costs, per span, for the agent app's spans ({@link OtelSdkLoop}'s
 * request: two server spans, a client span, a GenAI span): one request of them as Braintrust rows
 * (mapped and encoded as JSON) and as the OTLP exporter's protobuf, each then gzipped at levels 1
 * and 6. One thread, thread CPU time, median of rounds: the work an exporter's threads cannot skip
 * for a given format, whatever else they do.
 *
 * <pre>
 * java -cp ... dev.braintrust.reactive.benchmarks.FormatCost [requests] [rounds]
 * </pre>
 */
public final class FormatCost {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final byte[] HEAD = "{\"events\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL = "]}".getBytes(StandardCharsets.UTF_8);

  private FormatCost() {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    List<SpanData> spans = recorded(requests);
    Destination dest = Destination.projectLogs("bench");
    EventEncoder encoder = new EventEncoder();
    // json, json gz1, json gz6, protobuf, protobuf gz1, protobuf gz6: CPU ns per span
    double[][] cpu = new double[6][rounds];
    long[] bytes = new long[6];
    for (int r = -5; r < rounds; r++) {
      long t0 = THREADS.getCurrentThreadCpuTime();
      RowBuffer body = new RowBuffer(1 << 20);
      body.write(HEAD, 0, HEAD.length);
      for (int i = 0; i < spans.size(); i++) {
        if (i > 0) {
          body.write(',');
        }
        encoder.encodeTo(SpanMapper.toEvent(spans.get(i), dest, null, false), body);
      }
      body.write(TAIL, 0, TAIL.length);
      long t1 = THREADS.getCurrentThreadCpuTime();
      int j1 = EndToEndBenchmark.gzip(body.array(), body.length(), 1);
      long t2 = THREADS.getCurrentThreadCpuTime();
      int j6 = EndToEndBenchmark.gzip(body.array(), body.length(), 6);
      long t3 = THREADS.getCurrentThreadCpuTime();
      ByteArrayOutputStream pb = new ByteArrayOutputStream(body.length());
      TraceRequestMarshaler.create(spans).writeBinaryTo(pb);
      byte[] proto = pb.toByteArray();
      long t4 = THREADS.getCurrentThreadCpuTime();
      int p1 = EndToEndBenchmark.gzip(proto, proto.length, 1);
      long t5 = THREADS.getCurrentThreadCpuTime();
      int p6 = EndToEndBenchmark.gzip(proto, proto.length, 6);
      long t6 = THREADS.getCurrentThreadCpuTime();
      if (r >= 0) {
        long[] t = {t0, t1, t2, t3, t4, t5, t6};
        // The protobuf's marshalling is t3..t4; the JSON's mapping and encoding t0..t1.
        for (int k = 0; k < 6; k++) {
          cpu[k][r] = (t[k + 1] - t[k]) / (double) spans.size();
        }
      }
      bytes = new long[] {body.length(), j1, j6, proto.length, p1, p6};
    }
    String[] names = {
      "JSON rows: map + encode",
      "JSON rows: gzip level 1",
      "JSON rows: gzip level 6",
      "OTLP protobuf: marshal",
      "OTLP protobuf: gzip level 1",
      "OTLP protobuf: gzip level 6"
    };
    System.out.printf(
        Locale.ROOT, "%d spans (%d requests of the agent app)%n", spans.size(), requests);
    for (int k = 0; k < 6; k++) {
      System.out.printf(
          Locale.ROOT,
          "%-28s %7.0f ns/span  %7.1f B/span%n",
          names[k],
          OtelSdkLoop.median(cpu[k]),
          bytes[k] / (double) spans.size());
    }
  }

  /** {@code requests} of the demo app's four spans, as the SDK hands them to an exporter. */
  static List<SpanData> recorded(int requests) {
    return OtelRowCost.record(
        provider -> {
          for (int i = 0; i < requests; i++) {
            OtelSdkLoop.request(provider.get("io.opentelemetry.java-http-server"), i);
          }
        });
  }
}
