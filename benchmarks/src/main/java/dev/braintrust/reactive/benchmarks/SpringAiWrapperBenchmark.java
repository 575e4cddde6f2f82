package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.instrumentation.springai.BraintrustSpringAi;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import reactor.netty.DisposableServer;

/**
 * One {@code ChatModel.call} through Spring AI's OpenAI chat model (RestClient) against a canned
 * loopback server, three ways: unwrapped, the model built with the no-op registry (as an
 * application with no observation handler at all has: Spring AI then skips its observation);
 * observed, the model built with a registry holding one handler that does nothing (Spring AI and
 * Micrometer then do all their observation work, as for an application with Actuator's metrics
 * handler); wrapped, as the Spring Boot starters give it: observed by our handler ({@link
 * BraintrustSpringAi#observationRegistry}) and its streams timed. The wrapped model's spans go to a
 * real exporter whose background thread encodes every row and then discards it, as {@link
 * OpenAIWrapperBenchmark} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SpringAiWrapperBenchmark {
  /** A whole chat completion answering the workload's prompt. */
  static final byte[] REPLY =
      ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
              + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
              + "{\"role\":\"assistant\",\"content\":\""
              + Workload.ANSWER
              + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":250,"
              + "\"completion_tokens\":120,\"total_tokens\":370}}")
          .getBytes(StandardCharsets.UTF_8);

  static final Prompt PROMPT =
      new Prompt(List.of(new SystemMessage(Workload.SYSTEM), new UserMessage(Workload.USER)));

  DisposableServer server;
  BraintrustExporter exporter;
  ChatModel plain;
  ChatModel observed;
  ChatModel traced;

  @Setup(Level.Trial)
  public void setUp() {
    server = Loopback.replying(REPLY);
    exporter = Loopback.ackingExporter();
    plain = model(ObservationRegistry.NOOP);
    ObservationRegistry quiet = ObservationRegistry.create();
    quiet.observationConfig().observationHandler(new SpringAiHandlerAlone.DoNothing());
    observed = model(quiet);
    Tracer tracer = Tracer.create(exporter, Destination.projectLogs("bench"));
    traced = BraintrustSpringAi.timeStreams(model(BraintrustSpringAi.observationRegistry(tracer)));
  }

  private ChatModel model(ObservationRegistry observations) {
    return model(server.port(), observations);
  }

  /** The benchmark's model, calling the loopback server on {@code port}. */
  static ChatModel model(int port, ObservationRegistry observations) {
    OpenAiApi api = OpenAiApi.builder().baseUrl("http://127.0.0.1:" + port).apiKey("bench").build();
    return OpenAiChatModel.builder()
        .openAiApi(api)
        .defaultOptions(
            OpenAiChatOptions.builder()
                .model("gpt-4o-mini")
                .temperature(0.2)
                .maxTokens(300)
                .build())
        .observationRegistry(observations)
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    exporter.close();
    server.disposeNow(Duration.ofSeconds(5));
  }

  @Benchmark
  public ChatResponse unwrapped() {
    return plain.call(PROMPT);
  }

  @Benchmark
  public ChatResponse observed() {
    return observed.call(PROMPT);
  }

  @Benchmark
  public ChatResponse wrapped() {
    return traced.call(PROMPT);
  }
}
