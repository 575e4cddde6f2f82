package dev.braintrust.reactive.benchmarks;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.instrumentation.anthropic.BraintrustAnthropic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

/**
 * One non-streaming {@code messages().create} through the real Anthropic client (OkHttp) against a
 * canned loopback server, unwrapped and wrapped by {@link BraintrustAnthropic}; the wrapped
 * client's spans go to a real exporter whose background thread encodes every row and then discards
 * it, as {@link OpenAIWrapperBenchmark} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AnthropicWrapperBenchmark {
  /** A whole reply to the workload's prompt, as the Messages API returns it. */
  static final byte[] REPLY =
      ("{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\","
              + "\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":\""
              + Workload.ANSWER
              + "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
              + "\"usage\":{\"input_tokens\":250,\"output_tokens\":120,"
              + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}")
          .getBytes(StandardCharsets.UTF_8);

  static final MessageCreateParams REQUEST =
      MessageCreateParams.builder()
          .model("claude-sonnet-4-5")
          .maxTokens(300)
          .system(Workload.SYSTEM)
          .addUserMessage(Workload.USER)
          .build();

  DisposableServer server;
  BraintrustExporter exporter;
  AnthropicClient plain;
  AnthropicClient traced;

  @Setup(Level.Trial)
  public void setUp() {
    server = Loopback.replying(REPLY);
    exporter = Loopback.ackingExporter();
    plain = client();
    traced =
        BraintrustAnthropic.wrap(
            client(), Tracer.create(exporter, Destination.projectLogs("bench")));
  }

  private AnthropicClient client() {
    return AnthropicOkHttpClient.builder()
        .apiKey("bench")
        .baseUrl("http://127.0.0.1:" + server.port())
        .maxRetries(0)
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    traced.close();
    exporter.close();
    server.disposeNow(Duration.ofSeconds(5));
  }

  @Benchmark
  public Message unwrapped() {
    return plain.messages().create(REQUEST);
  }

  @Benchmark
  public Message wrapped() {
    return traced.messages().create(REQUEST);
  }
}
