package dev.braintrust.reactive.benchmarks;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.services.blocking.ChatService;
import com.openai.services.blocking.chat.ChatCompletionService;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.instrumentation.openai.BraintrustOpenAI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
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
 * One non-streaming chat completion through the real OpenAI client (OkHttp) against a canned
 * loopback server, unwrapped and wrapped by {@link BraintrustOpenAI}. Both share one client and
 * connection pool; the wrapped one's spans go to a real exporter whose background thread encodes
 * every row (the client's objects included) and then discards it, so that work competes for the
 * cores as it would in production.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OpenAIWrapperBenchmark {
  /** A whole completion answering the workload's prompt, as OpenAI returns it. */
  static final byte[] COMPLETION =
      ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
              + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
              + "\"content\":\""
              + Workload.ANSWER
              + "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
              + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":250,\"completion_tokens\":120,"
              + "\"total_tokens\":370,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
              + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
              + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
              + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_bench\"}")
          .getBytes(StandardCharsets.UTF_8);

  static final ChatCompletionCreateParams PARAMS =
      ChatCompletionCreateParams.builder()
          .model("gpt-4o-mini")
          .addSystemMessage(Workload.SYSTEM)
          .addUserMessage(Workload.USER)
          .temperature(0.2)
          .maxCompletionTokens(300)
          .build();

  DisposableServer server;
  BraintrustExporter exporter;
  OpenAIClient plain;
  OpenAIClient traced;

  @Setup(Level.Trial)
  public void setUp() {
    server = Loopback.replying(COMPLETION);
    exporter = Loopback.ackingExporter();
    plain =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
            .apiKey("bench")
            .maxRetries(0)
            .build();
    traced =
        BraintrustOpenAI.wrap(plain, Tracer.create(exporter, Destination.projectLogs("bench")));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    exporter.close();
    server.disposeNow(Duration.ofSeconds(5));
  }

  /** A client without a network that answers every chat call with the same parsed completion. */
  static OpenAIClient stubClient() {
    ChatCompletion completion;
    try {
      completion = ObjectMappers.jsonMapper().readValue(COMPLETION, ChatCompletion.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChatCompletionService completions = stub(ChatCompletionService.class, completion);
    ChatService chat = stub(ChatService.class, completions);
    return stub(OpenAIClient.class, chat);
  }

  /**
   * An interface whose methods returning {@code answer}'s type return it; other default methods run
   * as written. By type, not by whether a method is abstract: openai-java 4.105 made sub-service
   * getters such as {@code ChatService.completions()} default methods that throw.
   */
  private static <T> T stub(Class<T> type, Object answer) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) ->
                method.getReturnType().isInstance(answer) || !method.isDefault()
                    ? answer
                    : InvocationHandler.invokeDefault(proxy, method, args)));
  }

  @Benchmark
  public ChatCompletion unwrapped() {
    return plain.chat().completions().create(PARAMS);
  }

  @Benchmark
  public ChatCompletion wrapped() {
    return traced.chat().completions().create(PARAMS);
  }
}
