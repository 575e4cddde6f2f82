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
      case "gemini" -> "Gemini `generateContent`";
      case "bedrock" -> "Bedrock `converse`";
      case "anthropic" -> "Anthropic `messages().create`";
      case "springai" -> "Spring AI `ChatModel.call` (OpenAI model, observation handler)";
      default -> throw new IllegalArgumentException("unknown client wrapper benchmark " + client);
    };
  }

  /** Runs the selected clients' measurements, records their goals and returns the section. */
  static String run(Set<String> selected, Goals goals) {
    Map<String, WrapperInterleaved.Result> results = new LinkedHashMap<>();
    for (String client : CLIENTS) {
      if (selected.contains(client)) {
        WrapperInterleaved.Result r = measure(client);
        results.put(client, r);
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
          default -> null;
        }) {
      return stubs == null
          ? null
          : WrapperInterleaved.run(
              stubs, Settings.integer("bench.wrappers.pairs"), calls, 5 * calls);
    }
  }

  private static WrapperInterleaved.Result measure(String client) {
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
          return WrapperInterleaved.run(
              clients(b::unwrapped, b::wrapped, () -> WrapperInterleaved.flush(b.exporter)),
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
    if (t.length() > 0) {
      t.append(" Each alone row: ")
          .append(Settings.get("bench.wrappers.stubCalls"))
          .append("-call blocks; its CPU is its client's goal's.");
    }
    return t.toString();
  }
}
