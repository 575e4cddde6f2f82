package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.otel.BraintrustSpanProcessor;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A plain OpenTelemetry SDK application in a loop (the {@code otel-autoconfigure} path without the
 * agent): per request the four spans the agent benchmark's demo app records (HTTP server, a GenAI
 * span, HTTP client, the backend's HTTP server span, with the attributes the agent sets), through
 * {@link BraintrustSpanProcessor} over a {@link BraintrustExporter} or through a BatchSpanProcessor
 * and the OTLP/HTTP exporter, into the loopback sink, at a fixed rate. Prints, per round and
 * pipeline, CPU per span on the application thread and in the whole process (sink included, the
 * same for both), and the spans delivered. Pipelines alternate within each round; the summary is
 * the median of rounds.
 *
 * <pre>
 * java -cp ... dev.braintrust.reactive.benchmarks.OtelSdkLoop [requests] [rounds] [pipelines]
 * </pre>
 *
 * <p>{@code pipelines} is a comma list of {@code braintrust}, {@code otlp}, {@code none}.
 */
public final class OtelSdkLoop {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  static final int SPANS_PER_REQUEST = 4;

  /** Requests per second ({@code -Dotel.loop.rate}). */
  static final int RATE = Integer.getInteger("otel.loop.rate", 4000);

  private OtelSdkLoop() {}

  /** One pipeline's figures for one round. */
  record Result(String pipeline, double appMicrosPerSpan, double processMicrosPerSpan, long lost) {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String[] pipelines = (args.length > 2 ? args[2] : "braintrust,otlp").split(",");
    List<List<Result>> all = new ArrayList<>();
    for (int p = 0; p < pipelines.length; p++) {
      all.add(new ArrayList<>());
    }
    try (SinkServer sink = new SinkServer(Duration.ZERO)) {
      for (int round = -1; round < rounds; round++) {
        for (int p = 0; p < pipelines.length; p++) {
          // Round -1 warms the JIT up for every pipeline and is not reported.
          Result r = run(pipelines[p], round < 0 ? requests * 2 : requests, sink);
          if (round >= 0) {
            all.get(p).add(r);
            System.out.printf(
                Locale.ROOT,
                "round %d %-10s app %.2f us/span, process %.2f us/span, lost %d%n",
                round,
                r.pipeline(),
                r.appMicrosPerSpan(),
                r.processMicrosPerSpan(),
                r.lost());
          }
        }
      }
    }
    for (List<Result> rs : all) {
      System.out.printf(
          Locale.ROOT,
          "median %-10s app %.2f us/span, process %.2f us/span%n",
          rs.get(0).pipeline(),
          median(rs.stream().mapToDouble(Result::appMicrosPerSpan).toArray()),
          median(rs.stream().mapToDouble(Result::processMicrosPerSpan).toArray()));
    }
    System.exit(0);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static Result run(String pipeline, int requests, SinkServer sink) {
    sink.reset();
    AtomicLong delivered = new AtomicLong();
    BraintrustExporter exporter = null;
    SpanProcessor processor;
    switch (pipeline) {
      case "braintrust" -> {
        BraintrustClient client =
            BraintrustClient.builder().apiKey("bench").baseUrl(sink.url()).build();
        exporter =
            BraintrustExporter.builder(client)
                .capacity(requests * SPANS_PER_REQUEST)
                .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(60)))
                .build();
        processor =
            BraintrustSpanProcessor.builder(exporter)
                .destination(Destination.projectLogs("bench"))
                .build();
      }
      case "otlp" -> {
        SpanExporter otlp =
            OtlpHttpSpanExporter.builder()
                .setEndpoint(sink.url() + "/v1/traces")
                .setCompression("gzip")
                .build();
        processor =
            BatchSpanProcessor.builder(
                    new AckedSpanExporter(otlp, s -> delivered.addAndGet(s.size())))
                .setMaxQueueSize(requests * SPANS_PER_REQUEST)
                .build();
      }
      case "none" -> processor = SpanProcessor.composite();
      default -> throw new IllegalArgumentException("unknown pipeline: " + pipeline);
    }
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
    Tracer tracer = provider.get("io.opentelemetry.java-http-server");
    long cpu0 = OS.getProcessCpuTime();
    long app0 = THREADS.getCurrentThreadCpuTime();
    // Open loop at a fixed rate, as a service under steady load: a closed loop outrunning the
    // exporter would measure a growing backlog's garbage collection instead of the pipeline. One
    // burst per 10 ms tick: parking before every request cost more CPU than the spans.
    int perTick = Math.max(1, RATE / 100);
    long t0 = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      if (i % perTick == 0) {
        long due = t0 + (i / perTick) * 10_000_000L;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      request(tracer, i);
    }
    long app = THREADS.getCurrentThreadCpuTime() - app0;
    provider.forceFlush().join(5, TimeUnit.MINUTES);
    long cpu = OS.getProcessCpuTime() - cpu0;
    long spans = (long) requests * SPANS_PER_REQUEST;
    long lost;
    if (exporter != null) {
      ExporterStats st = exporter.stats();
      lost = spans - st.delivered();
    } else {
      lost = pipeline.equals("none") ? 0 : spans - delivered.get();
    }
    provider.shutdown().join(30, TimeUnit.SECONDS);
    return new Result(pipeline, app / 1e3 / spans, cpu / 1e3 / spans, lost);
  }

  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<String> ADDRESS = AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> PROTOCOL =
      AttributeKey.stringKey("network.protocol.version");
  private static final AttributeKey<String> PEER = AttributeKey.stringKey("network.peer.address");
  private static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  private static final AttributeKey<String> CLIENT = AttributeKey.stringKey("client.address");
  private static final AttributeKey<String> AGENT = AttributeKey.stringKey("user_agent.original");
  private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");

  /** The demo app's request: the same tree and attributes as the agent records for it. */
  static void request(Tracer tracer, int i) {
    Span server = serverSpan(tracer, "/chat");
    try (Scope s = server.makeCurrent()) {
      Span llm =
          tracer
              .spanBuilder("chat gpt-4o-mini")
              .setAttribute("gen_ai.system", "openai")
              .setAttribute("gen_ai.operation.name", "chat")
              .setAttribute("gen_ai.request.model", "gpt-4o-mini")
              .setAttribute("gen_ai.prompt.0.role", "user")
              .setAttribute("gen_ai.prompt.0.content", "What is the capital of France? #" + i)
              .startSpan();
      try (Scope l = llm.makeCurrent()) {
        Span client =
            tracer
                .spanBuilder("GET")
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(METHOD, "GET")
                .setAttribute(URL, "http://127.0.0.1:8080/backend")
                .setAttribute(ADDRESS, "127.0.0.1")
                .setAttribute(PORT, 8080L)
                .startSpan();
        try (Scope c = client.makeCurrent()) {
          serverSpan(tracer, "/backend").end();
        }
        client.setAttribute(PROTOCOL, "1.1");
        client.setAttribute(STATUS, 200L);
        client.end();
      }
      llm.setAttribute("gen_ai.completion.0.role", "assistant");
      llm.setAttribute("gen_ai.completion.0.content", "Paris is the capital of France.");
      llm.setAttribute("gen_ai.usage.input_tokens", 12L);
      llm.setAttribute("gen_ai.usage.output_tokens", 4L);
      llm.end();
    }
    server.setAttribute(STATUS, 200L);
    server.end();
  }

  private static Span serverSpan(Tracer tracer, String path) {
    return tracer
        .spanBuilder("GET " + path)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(METHOD, "GET")
        .setAttribute(PATH, path)
        .setAttribute(SCHEME, "http")
        .setAttribute(ROUTE, path)
        .setAttribute(ADDRESS, "127.0.0.1")
        .setAttribute(PORT, 8080L)
        .setAttribute(PROTOCOL, "1.1")
        .setAttribute(PEER, "127.0.0.1")
        .setAttribute(PEER_PORT, 51234L)
        .setAttribute(CLIENT, "127.0.0.1")
        .setAttribute(AGENT, "Java-http-client/17.0.13")
        .startSpan();
  }
}
