package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.instrumentation.bedrock.BraintrustBedrock;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import reactor.netty.DisposableServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;

/**
 * One {@code converse} through the real Bedrock Runtime sync client (SigV4 signing, URLConnection)
 * against a canned loopback server, without and with the tracing interceptor. The traced client's
 * spans go to a real exporter whose background thread encodes every row and then discards it.
 * {@link #main} runs the two in alternating blocks (ABBA) and reports the calling thread's CPU time
 * and allocation per call, so the difference is what the interceptor costs the caller.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BedrockWrapperBenchmark {
  static final byte[] REPLY =
      ("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\""
              + Workload.ANSWER
              + "\"}]}},\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":250,"
              + "\"outputTokens\":120,\"totalTokens\":370},\"metrics\":{\"latencyMs\":900}}")
          .getBytes(StandardCharsets.UTF_8);

  static final ConverseRequest REQUEST =
      ConverseRequest.builder()
          .modelId("us.amazon.nova-lite-v1:0")
          .system(SystemContentBlock.fromText(Workload.SYSTEM))
          .messages(
              Message.builder()
                  .role(ConversationRole.USER)
                  .content(ContentBlock.fromText(Workload.USER))
                  .build())
          .inferenceConfig(c -> c.maxTokens(300).temperature(0.2f))
          .build();

  DisposableServer server;
  BraintrustExporter exporter;
  BedrockRuntimeClient plain;
  BedrockRuntimeClient traced;

  @Setup(Level.Trial)
  public void setUp() {
    server = Loopback.replying(REPLY);
    exporter = Loopback.ackingExporter();
    plain = builder().build();
    traced =
        BraintrustBedrock.wrap(builder(), Tracer.create(exporter, Destination.projectLogs("bench")))
            .build();
  }

  private BedrockRuntimeClientBuilder builder() {
    return BedrockRuntimeClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
        .endpointOverride(URI.create("http://127.0.0.1:" + server.port()));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    traced.close();
    exporter.close();
    server.disposeNow(Duration.ofSeconds(5));
  }

  @Benchmark
  public ConverseResponse unwrapped() {
    return plain.converse(REQUEST);
  }

  @Benchmark
  public ConverseResponse wrapped() {
    return traced.converse(REQUEST);
  }

  /**
   * Alternating blocks, unwrapped and wrapped; prints the medians of the calling thread's CPU µs
   * and allocated bytes per call. Arguments: pairs (default 20), calls per block (default 200).
   */
  public static void main(String[] args) {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    BedrockWrapperBenchmark b = new BedrockWrapperBenchmark();
    b.setUp();
    try {
      for (int i = 0; i < 2_000; i++) {
        b.unwrapped();
        b.wrapped();
      }
      b.exporter.flush().block(Duration.ofSeconds(30));
      List<Double> cpuPlain = new ArrayList<>();
      List<Double> cpuWrapped = new ArrayList<>();
      List<Double> allocPlain = new ArrayList<>();
      List<Double> allocWrapped = new ArrayList<>();
      for (int p = 0; p < pairs; p++) {
        boolean wrappedFirst = (p & 1) == 1;
        for (boolean wrapped : new boolean[] {wrappedFirst, !wrappedFirst}) {
          double[] r = block(b, wrapped, calls);
          (wrapped ? cpuWrapped : cpuPlain).add(r[0]);
          (wrapped ? allocWrapped : allocPlain).add(r[1]);
        }
      }
      Stats cp = Stats.of(cpuPlain);
      Stats cw = Stats.of(cpuWrapped);
      Stats ap = Stats.of(allocPlain);
      Stats aw = Stats.of(allocWrapped);
      System.out.printf(
          "bedrock converse, caller thread per call (median of %d blocks of %d):%n"
              + "  CPU    unwrapped %.1f µs, wrapped %.1f µs, added %.1f µs%n"
              + "  alloc  unwrapped %.0f B, wrapped %.0f B, added %.0f B%n",
          pairs,
          calls,
          cp.median(),
          cw.median(),
          cw.median() - cp.median(),
          ap.median(),
          aw.median(),
          aw.median() - ap.median());
    } finally {
      b.tearDown();
    }
  }

  private static double[] block(BedrockWrapperBenchmark b, boolean wrapped, int calls) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long alloc0 = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < calls; i++) {
      if (wrapped) {
        b.wrapped();
      } else {
        b.unwrapped();
      }
    }
    long cpu1 = threads.getCurrentThreadCpuTime();
    long alloc1 = threads.getCurrentThreadAllocatedBytes();
    if (wrapped) {
      b.exporter.flush().block(Duration.ofSeconds(30));
    }
    return new double[] {(cpu1 - cpu0) / 1e3 / calls, (double) (alloc1 - alloc0) / calls};
  }
}
