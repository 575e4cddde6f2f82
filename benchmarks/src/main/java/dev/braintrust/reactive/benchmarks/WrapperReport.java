package dev.braintrust.reactive.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The LLM client wrappers' cost on the calling thread, one row per client: each client's one
 * non-streaming call against a canned loopback server, unwrapped vs wrapped, measured by {@link
 * WrapperInterleaved}. The goal (issue 31) is under 5 µs of CPU and under 2 KB allocated added per
 * call on the caller's thread.
 */
final class WrapperReport {
  private WrapperReport() {}

  /** The benchmark names this report serves, in the order of its rows. */
  static final List<String> CLIENTS = List.of("gemini", "bedrock", "anthropic", "springai");

  /** The goal: added caller-thread CPU µs per call under this. */
  static final double CPU_GOAL_MICROS = 5;

  /** The goal: added caller-thread bytes per call under this. */
  static final double BYTES_GOAL = 2048;

  /** The goal's text for one client, for the goals table. */
  static String goal(String client) {
    return label(client)
        + " wrapper: < 5 µs CPU and < 2 KB allocated added per call on the caller's thread (issue 31)";
  }

  /** The key of a client's "wrapper alone" row. */
  static String alone(String client) {
    return client + "-alone";
  }

  private static String label(String client) {
    return switch (client) {
      case "gemini-alone" ->
          "Gemini wrapper alone (its transport on a stub: no SDK work, no network)";
      case "bedrock-alone" ->
          "Bedrock wrapper alone (the interceptor's hooks with the SDK's contexts: no SDK work,"
              + " no network)";
      case "anthropic-alone" ->
          "Anthropic wrapper alone (a client stub answering a parsed reply: no SDK work, no"
              + " network)";
      case "springai-alone" ->
          "Spring AI wrapper alone (our observation handler's hooks on a fresh context: no Spring"
              + " AI or Micrometer work, no network)";
      case "gemini" -> "Gemini `generateContent`";
      case "bedrock" -> "Bedrock `converse`";
      case "anthropic" -> "Anthropic `messages().create`";
      case "springai" ->
          "Spring AI `ChatModel.call` (OpenAI model; our observation handler vs one that does"
              + " nothing)";
      case "springai-noop" ->
          "Spring AI, ours vs no observation at all (no-op registry: Micrometer's and Spring AI's"
              + " observation work included)";
      default -> throw new IllegalArgumentException("unknown client wrapper benchmark " + client);
    };
  }

  /** Runs the selected clients' measurements, records their goals and returns the section. */
  static String run(Set<String> selected, Goals goals) {
    Map<String, WrapperInterleaved.Result> results = new LinkedHashMap<>();
    for (String client : CLIENTS) {
      if (selected.contains(client)) {
        Map<String, WrapperInterleaved.Result> extra = new LinkedHashMap<>();
        WrapperInterleaved.Result r = measure(client, extra);
        results.put(client, r);
        results.putAll(extra);
        WrapperInterleaved.Result alone = measureAlone(client);
        if (alone != null) {
          results.put(alone(client), alone);
        }
        goals.wrapper(client, r, alone);
      }
    }
    return results.isEmpty() ? "" : section(results);
  }

  /** The client's wrapper alone, on stubs; null for a client without such a row. */
  private static WrapperInterleaved.@Nullable Result measureAlone(String client) {
    int calls = Settings.integer("bench.wrappers.stubCalls");
    try (WrapperInterleaved.Alone stubs =
        switch (client) {
          case "gemini" -> new GeminiTransportAlone();
          case "bedrock" -> new BedrockInterceptorAlone();
          case "anthropic" -> new AnthropicClientAlone();
          case "springai" -> new SpringAiHandlerAlone();
          default -> null;
        }) {
      return stubs == null
          ? null
          : WrapperInterleaved.run(
              stubs, Settings.integer("bench.wrappers.pairs"), calls, 5 * calls);
    }
  }

  /**
   * The client's real calls, unwrapped vs wrapped; for Spring AI, against a model observed by a
   * handler that does nothing, with the row against no observation at all put in {@code extra}.
   */
  private static WrapperInterleaved.Result measure(
      String client, Map<String, WrapperInterleaved.Result> extra) {
    int pairs = Settings.integer("bench.wrappers.pairs");
    int calls = Settings.integer("bench.wrappers.calls");
    int warmup = Settings.integer("bench.wrappers.warmup");
    switch (client) {
      case "gemini" -> {
        GeminiWrapperBenchmark b = new GeminiWrapperBenchmark();
        b.setUp();
        try {
          return WrapperInterleaved.run(
              clients(b::unwrapped, b::wrapped, () -> WrapperInterleaved.flush(b.exporter)),
              pairs,
              calls,
              warmup);
        } finally {
          b.tearDown();
        }
      }
      case "bedrock" -> {
        BedrockWrapperBenchmark b = new BedrockWrapperBenchmark();
        b.setUp();
        try {
          return WrapperInterleaved.run(
              clients(b::unwrapped, b::wrapped, () -> WrapperInterleaved.flush(b.exporter)),
              pairs,
              calls,
              warmup);
        } finally {
          b.tearDown();
        }
      }
      case "anthropic" -> {
        AnthropicWrapperBenchmark b = new AnthropicWrapperBenchmark();
        b.setUp();
        try {
          return WrapperInterleaved.run(
              clients(b::unwrapped, b::wrapped, () -> WrapperInterleaved.flush(b.exporter)),
              pairs,
              calls,
              warmup);
        } finally {
          b.tearDown();
        }
      }
      case "springai" -> {
        SpringAiWrapperBenchmark b = new SpringAiWrapperBenchmark();
        b.setUp();
        try {
          extra.put(
              "springai-noop",
              WrapperInterleaved.run(
                  clients(b::unwrapped, b::wrapped, () -> WrapperInterleaved.flush(b.exporter)),
                  pairs,
                  calls,
                  warmup));
          return WrapperInterleaved.run(
              clients(b::observed, b::wrapped, () -> WrapperInterleaved.flush(b.exporter)),
              pairs,
              calls,
              warmup);
        } finally {
          b.tearDown();
        }
      }
      default -> throw new IllegalArgumentException("unknown client wrapper benchmark " + client);
    }
  }

  private static WrapperInterleaved.Clients clients(
      java.util.function.Supplier<?> plain,
      java.util.function.Supplier<?> wrapped,
      Runnable flush) {
    return new WrapperInterleaved.Clients() {
      @Override
      public Object unwrapped() {
        return plain.get();
      }

      @Override
      public Object wrapped() {
        return wrapped.get();
      }

      @Override
      public void flush() {
        flush.run();
      }
    };
  }

  private static String section(Map<String, WrapperInterleaved.Result> results) {
    StringBuilder md =
        new StringBuilder(
            "## LLM client wrappers: cost on the caller's thread per call (lower is better)\n\n"
                + "| client, one non-streaming call | caller CPU µs unwrapped | wrapped | added |"
                + " caller B unwrapped | wrapped | added | wall µs unwrapped | wrapped |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
    WrapperInterleaved.Result any = null;
    for (Map.Entry<String, WrapperInterleaved.Result> e : results.entrySet()) {
      WrapperInterleaved.Result r = e.getValue();
      if (!e.getKey().endsWith("-alone")) {
        any = r;
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %.1f | %s | %.0f | %.0f | %s | %.1f | %.1f |%n",
              label(e.getKey()),
              r.cpuPlain(),
              r.cpuWrapped(),
              r.addedCpu().bold("%+.1f"),
              r.bytesPlain(),
              r.bytesWrapped(),
              r.addedBytes().bold("%+.0f"),
              r.wallPlain(),
              r.wallWrapped()));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nEach client: %d ABBA pairs of %d-call blocks after %s warm-up calls; per-call figures"
                + " are medians of the blocks, \"added\" the median (min–max) over the pairs of"
                + " wrapped minus unwrapped within the pair; the wrapped client's spans are encoded by a real exporter (then"
                + " discarded) between blocks, off the clocks. CPU added is a difference of two"
                + " figures of a few hundred µs each and moves by several µs from run to run on a"
                + " loaded machine; bytes are steady.%s%n",
            any.pairs(),
            any.callsPerBlock(),
            Settings.get("bench.wrappers.warmup"),
            aloneText(results.keySet())));
    return md.toString();
  }

  private static String aloneText(Set<String> rows) {
    StringBuilder t = new StringBuilder();
    if (rows.stream().anyMatch(r -> r.endsWith("-alone"))) {
      t.append(" Each alone row: ")
          .append(Settings.get("bench.wrappers.stubCalls"))
          .append("-call blocks; its CPU is its client's goal's.");
    }
    if (rows.contains(alone("gemini"))) {
      t.append(
          " The Gemini wrapper alone: its tracing transport in front of a stub transport that"
              + " answers at once, called with the body the SDK sends, reply read as the SDK reads"
              + " it, vs the stub called directly.");
    }
    if (rows.contains(alone("bedrock"))) {
      t.append(
          " The Bedrock wrapper alone: the two hooks a sync `converse` runs on the caller's"
              + " thread (`beforeExecution` with the request, `afterExecution` with the parsed"
              + " reply), each call with fresh execution attributes and the SDK's own"
              + " `InterceptorContext`s, on the tracing interceptor vs one that does nothing.");
    }
    if (rows.contains(alone("anthropic"))) {
      t.append(
          " The Anthropic wrapper alone: `messages().create` on a client stub answering the"
              + " reply parsed once, wrapped vs called directly.");
    }
    if (rows.contains(alone("springai"))) {
      t.append(
          " The Spring AI wrapper alone: per call a fresh `ChatModelObservationContext` with the"
              + " prompt and response a real call was observed with, and the hooks Micrometer"
              + " runs on a handler (`supportsContext`, `onStart`, `onStop`), ours vs one that"
              + " does nothing.");
    }
    if (rows.contains("springai")) {
      t.append(
          " Spring AI's models observe a call only when their `ObservationRegistry` is not the"
              + " no-op one: with no handler they skip it; with any handler (Actuator's metrics"
              + " handler, or ours) Spring AI builds its observation context and key values and"
              + " Micrometer runs the observation's scopes, whatever the handlers then do. An"
              + " application that observes its models pays that already, so the goal's baseline"
              + " is the model observed by a handler that does nothing: what is left is our"
              + " handler's. The row against the no-op registry is the whole cost for an"
              + " application that observed nothing before (without Actuator, the starter's"
              + " registry holds only our handler).");
    }
    return t.toString();
  }
}
