package dev.braintrust.reactive.benchmarks;

import com.google.genai.Client;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Part;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.instrumentation.gemini.BraintrustGemini;
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
 * One non-streaming {@code generateContent} call through the real Google Gen AI client (OkHttp)
 * against a canned loopback server, unwrapped and wrapped by {@link BraintrustGemini}. The wrapper
 * instruments a client in place, so the two are separate clients of the same server; the wrapped
 * one's spans go to a real exporter whose background thread encodes every row and then discards it,
 * as {@link OpenAIWrapperBenchmark} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GeminiWrapperBenchmark {
  /** A whole response answering the workload's prompt, as the Gemini API returns it. */
  static final byte[] RESPONSE =
      ("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\""
              + Workload.ANSWER
              + "\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
              + "\"usageMetadata\":{\"promptTokenCount\":250,\"candidatesTokenCount\":120,"
              + "\"totalTokenCount\":370,\"promptTokensDetails\":[{\"modality\":\"TEXT\","
              + "\"tokenCount\":250}]},\"modelVersion\":\"gemini-2.5-flash\","
              + "\"responseId\":\"bench\"}")
          .getBytes(StandardCharsets.UTF_8);

  static final GenerateContentConfig CONFIG =
      GenerateContentConfig.builder()
          .systemInstruction(Content.fromParts(Part.fromText(Workload.SYSTEM)))
          .temperature(0.2f)
          .maxOutputTokens(300)
          .build();

  DisposableServer server;
  BraintrustExporter exporter;
  Client plain;
  Client traced;

  @Setup(Level.Trial)
  public void setUp() {
    server = Loopback.replying(RESPONSE);
    exporter = Loopback.ackingExporter();
    plain = client();
    traced =
        BraintrustGemini.wrap(client(), Tracer.create(exporter, Destination.projectLogs("bench")));
  }

  private Client client() {
    return Client.builder()
        .apiKey("bench")
        .httpOptions(
            HttpOptions.builder()
                .baseUrl("http://127.0.0.1:" + server.port())
                .retryOptions(HttpRetryOptions.builder().attempts(1).build())
                .build())
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
  public GenerateContentResponse unwrapped() {
    return plain.models.generateContent("gemini-2.5-flash", Workload.USER, CONFIG);
  }

  @Benchmark
  public GenerateContentResponse wrapped() {
    return traced.models.generateContent("gemini-2.5-flash", Workload.USER, CONFIG);
  }
}
