package dev.braintrust.reactive.benchmarks;

import com.openai.client.OpenAIClient;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.services.blocking.ResponseService;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.instrumentation.openai.BraintrustOpenAI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import reactor.core.publisher.Mono;

/**
 * What tracing a Responses API call costs the calling thread: CPU time and allocated bytes per
 * call, wrapped minus unwrapped, for {@code responses().create} and for a {@code createStreaming}
 * read to its end (15 events). The client is a stub answering at once with parsed objects (no
 * network, no server), so the calling thread's difference is the wrapper's own work; the exporter
 * encodes and discards the rows on its own threads. Blocks of calls alternate unwrapped / wrapped
 * and the last of several rounds (after the JIT has settled) is reported. Thread CPU clocks, unlike
 * wall time, barely depend on what else runs on the machine.
 *
 * <p>Run: {@code java -cp <benchmarks class path>
 * dev.braintrust.reactive.benchmarks.ResponsesOverhead [calls]}.
 */
public final class ResponsesOverhead {
  private static final String MODEL = "gpt-4.1-mini-2025-04-14";
  static final String RESPONSE =
      "{\"id\":\"resp_bench\",\"object\":\"response\",\"created_at\":1700000000,"
          + "\"status\":\"completed\",\"model\":\""
          + MODEL
          + "\",\"output\":[{\"id\":\"msg_bench\",\"type\":\"message\",\"status\":\"completed\","
          + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"annotations\":[],"
          + "\"text\":\""
          + Workload.ANSWER
          + "\"}]}],\"usage\":{\"input_tokens\":250,\"input_tokens_details\":{\"cached_tokens\":0},"
          + "\"output_tokens\":120,\"output_tokens_details\":{\"reasoning_tokens\":0},"
          + "\"total_tokens\":370}}";

  static final ResponseCreateParams PARAMS =
      ResponseCreateParams.builder()
          .model("gpt-4.1-mini")
          .instructions(Workload.SYSTEM)
          .input(Workload.USER)
          .temperature(0.2)
          .maxOutputTokens(300L)
          .build();

  private ResponsesOverhead() {}

  /** Prints the per-call caller-thread cost of both calls, unwrapped and wrapped. */
  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    BraintrustExporter exporter =
        BraintrustExporter.builder(
                (d, b) -> Mono.just(InsertResult.of(b.size(), b.bodyBytes(), 0, 1, 0)))
            .capacity(10_000)
            .build();
    try {
      OpenAIClient plain = stubClient();
      OpenAIClient traced =
          BraintrustOpenAI.wrap(plain, Tracer.create(exporter, Destination.projectLogs("bench")));
      report(
          "responses().create",
          calls,
          exporter,
          () -> plain.responses().create(PARAMS),
          () -> traced.responses().create(PARAMS));
      report(
          "responses().createStreaming, 15 events",
          calls,
          exporter,
          () -> drain(plain.responses().createStreaming(PARAMS)),
          () -> drain(traced.responses().createStreaming(PARAMS)));
    } finally {
      exporter.close();
    }
  }

  private static long drain(StreamResponse<ResponseStreamEvent> stream) {
    try (stream) {
      // Every event visited (count() alone may skip a sized stream's elements).
      return stream.stream().mapToLong(e -> e.isCompleted() ? 1 : 0).sum();
    }
  }

  private static void report(
      String what, int calls, BraintrustExporter exporter, Supplier<?> plain, Supplier<?> traced) {
    double[] p = null;
    double[] t = null;
    for (int round = 0; round < 6; round++) {
      p = block(plain, calls, exporter);
      t = block(traced, calls, exporter);
    }
    System.out.printf(
        Locale.ROOT,
        "%s: caller CPU %.2f -> %.2f us (+%.2f us), allocated %.0f -> %.0f B (+%.0f B) per call%n",
        what,
        p[0],
        t[0],
        t[0] - p[0],
        p[1],
        t[1],
        t[1] - p[1]);
  }

  /** Caller CPU µs and bytes per call over one block; flush waits are not counted. */
  private static double[] block(Supplier<?> call, int calls, BraintrustExporter exporter) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long cpu = 0;
    long alloc = 0;
    long cpu0 = threads.getCurrentThreadCpuTime();
    long alloc0 = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < calls; i++) {
      call.get();
      if (i % 5_000 == 4_999) {
        // Keep well under the buffer's capacity (a stub is far faster than the exporter).
        cpu += threads.getCurrentThreadCpuTime() - cpu0;
        alloc += threads.getCurrentThreadAllocatedBytes() - alloc0;
        exporter.flush().block(Duration.ofSeconds(30));
        cpu0 = threads.getCurrentThreadCpuTime();
        alloc0 = threads.getCurrentThreadAllocatedBytes();
      }
    }
    cpu += threads.getCurrentThreadCpuTime() - cpu0;
    alloc += threads.getCurrentThreadAllocatedBytes() - alloc0;
    exporter.flush().block(Duration.ofSeconds(30));
    return new double[] {cpu / 1e3 / calls, (double) alloc / calls};
  }

  /** A client whose {@code responses()} answers at once with the same parsed response or events. */
  static OpenAIClient stubClient() {
    Response response;
    List<ResponseStreamEvent> events = new ArrayList<>();
    try {
      response = ObjectMappers.jsonMapper().readValue(RESPONSE, Response.class);
      for (String e : eventsJson()) {
        events.add(ObjectMappers.jsonMapper().readValue(e, ResponseStreamEvent.class));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ResponseService service =
        stub(
            ResponseService.class,
            m ->
                m.getName().equals("createStreaming")
                    ? new StreamResponse<ResponseStreamEvent>() {
                      @Override
                      public Stream<ResponseStreamEvent> stream() {
                        return events.stream();
                      }

                      @Override
                      public void close() {}
                    }
                    : response);
    return stub(OpenAIClient.class, m -> service);
  }

  /**
   * The events of {@link #RESPONSE} streamed: created, the item, 11 text deltas, done, completed.
   */
  private static List<String> eventsJson() {
    List<String> out = new ArrayList<>();
    out.add(
        "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":"
            + RESPONSE.replace("\"completed\"", "\"in_progress\"")
            + "}");
    out.add(
        "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,"
            + "\"item\":{\"id\":\"msg_bench\",\"type\":\"message\",\"status\":\"in_progress\","
            + "\"role\":\"assistant\",\"content\":[]}}");
    String[] words = Workload.ANSWER.split("(?<= )");
    for (int i = 0; i < 11; i++) {
      String word = i < words.length ? words[i] : "x ";
      out.add(
          "{\"type\":\"response.output_text.delta\",\"sequence_number\":"
              + (2 + i)
              + ",\"output_index\":0,\"content_index\":0,\"item_id\":\"msg_bench\",\"logprobs\":[],"
              + "\"delta\":\""
              + word
              + "\"}");
    }
    out.add(
        "{\"type\":\"response.output_item.done\",\"sequence_number\":13,\"output_index\":0,"
            + "\"item\":{\"id\":\"msg_bench\",\"type\":\"message\",\"status\":\"completed\","
            + "\"role\":\"assistant\",\"content\":[]}}");
    out.add(
        "{\"type\":\"response.completed\",\"sequence_number\":14,\"response\":" + RESPONSE + "}");
    return out;
  }

  /** An interface whose abstract methods answer {@code answer(method)}; defaults run as written. */
  private static <T> T stub(Class<T> type, java.util.function.Function<Method, Object> answer) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) ->
                method.isDefault()
                    ? InvocationHandler.invokeDefault(proxy, method, args)
                    : answer.apply(method)));
  }
}
