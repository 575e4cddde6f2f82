package dev.braintrust.reactive.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every size of the benchmark run, read from system properties (an empty value counts as unset, so
 * the POM can forward properties nobody set). The defaults are the full run; smoke runs shrink
 * them, e.g. {@code -Dbench.events=20000 -Dbench.rounds=1}. {@link #PROPERTIES} documents them.
 */
final class Settings {
  /** Property name, default and meaning, in the order BENCHMARKS.md lists them. */
  static final String[][] PROPERTIES = {
    {
      "bench.only",
      "all",
      "comma list of hotpath, e2e, limit, compression, spool, heap, attachments, latency, webflux,"
          + " openai, gemini, bedrock, anthropic, springai (or all)"
    },
    {"bench.rounds", "5", "interleaved rounds of the end-to-end, limit and compression runs"},
    {"bench.events", "200000", "spans per end-to-end, limit and compression run"},
    {"bench.e2e.levels", "1,6", "gzip levels our pipeline runs at in the end-to-end table"},
    {"bench.limit.levels", "1,6", "gzip levels of the serialise+gzip limit"},
    {"bench.compression.levels", "1,3,6,9", "gzip levels of the compression-level table"},
    {"bench.spool.events", "100000", "spans per run of the disk-spool benchmark"},
    {"bench.spool.rounds", "3", "interleaved rounds of the disk-spool benchmark"},
    {"bench.spool.replay", "true", "whether the disk-spool benchmark also times a replay"},
    {
      "bench.spool.dir",
      "",
      "parent of the spool directories (empty: benchmarks/target/spool-bench; not a tmpfs)"
    },
    {"bench.jmh.threads", "1,2", "JMH thread counts of the hot path"},
    {"bench.jmh.warmup", "5", "JMH warm-up iterations"},
    {"bench.iterations", "5", "JMH measurement iterations"},
    {"bench.jmh.seconds", "1", "seconds per JMH iteration"},
    {"bench.jmh.forks", "1", "JMH forks"},
    {"bench.heap.seconds", "8", "seconds one thread produces spans in each bounded-heap run"},
    {"bench.heap.capacities", "2000,20000", "exporter capacities of the bounded-heap runs"},
    {"bench.heap.rowKiB", "100", "row size of the byte-sized bounded-heap run (0 skips it)"},
    {
      "bench.heap.rowCapacityMiB",
      "20",
      "exporter capacityBytes of the byte-sized run, in MiB (its event capacity 10x above that)"
    },
    {"bench.heap.samples", "20", "live-heap samples (System.gc() then heap used) per run"},
    {"bench.heap.delayMs", "100", "how long the slow sink waits before answering"},
    {
      "bench.attach.seconds", "12", "seconds one thread produces 20 MiB PDFs in each attachment run"
    },
    {"bench.attach.budgetMiB", "64", "the exporter's attachment byte budget, in MiB"},
    {"bench.attach.delayMs", "500", "how long the object store waits before answering each PUT"},
    {"bench.attach.samples", "12", "live-heap samples (System.gc() then heap used) per run"},
    {"bench.latency.rate", "10000", "offered load of the latency runs, spans/s"},
    {"bench.latency.seconds", "10", "measured seconds per latency run"},
    {"bench.latency.warmup", "3", "seconds of load before measuring"},
    {"bench.latency.tail", "1", "seconds of load after measuring, so the last batches fill"},
    {"bench.latency.rounds", "5", "interleaved latency rounds"},
    {"bench.latency.level", "", "gzip level of our latency run (empty: the client's default)"},
    {"bench.web.rounds", "5", "WebFlux rounds (each mode a fresh JVM per round)"},
    {"bench.web.seconds", "10", "WebFlux measured seconds"},
    {"bench.web.warmup", "15", "WebFlux warm-up seconds"},
    {"bench.web.concurrency", "16", "WebFlux concurrent connections"},
    {"bench.web.rate", "8000", "WebFlux fixed-load phase, requests/s (0: none)"},
    {"bench.openai.pairs", "10", "OpenAI interleaved ABBA pairs"},
    {"bench.openai.calls", "4000", "OpenAI calls per interleaved block"},
    {"bench.openai.warmup", "20000", "OpenAI warm-up calls before the interleaved blocks"},
    {"bench.openai.stubCalls", "50000", "OpenAI calls per round of the no-network wrapper run"},
    {"bench.wrappers.pairs", "10", "LLM client wrappers: ABBA pairs per client"},
    {"bench.wrappers.calls", "500", "LLM client wrappers: calls per block"},
    {"bench.wrappers.warmup", "5000", "LLM client wrappers: warm-up calls"},
    {
      "bench.wrappers.stubCalls",
      "20000",
      "LLM client wrappers alone (Gemini, Bedrock, Anthropic, Spring AI on stubs): calls per block; warm-up 5 blocks"
    },
  };

  private static final Set<String> NAMES =
      Set.of(
          "hotpath",
          "e2e",
          "limit",
          "compression",
          "spool",
          "heap",
          "attachments",
          "latency",
          "webflux",
          "openai",
          "gemini",
          "bedrock",
          "anthropic",
          "springai");

  private Settings() {}

  /** The property's value, or its default from {@link #PROPERTIES}. */
  static String get(String name) {
    String v = System.getProperty(name);
    if (v != null && !v.isBlank()) {
      return v.trim();
    }
    for (String[] p : PROPERTIES) {
      if (p[0].equals(name)) {
        return p[1];
      }
    }
    throw new IllegalArgumentException("unknown setting " + name);
  }

  static int integer(String name) {
    return Integer.parseInt(get(name));
  }

  /** A comma-separated list of integers. */
  static List<Integer> integers(String name) {
    List<Integer> out = new ArrayList<>();
    for (String s : get(name).split(",")) {
      if (!s.isBlank()) {
        out.add(Integer.parseInt(s.trim()));
      }
    }
    return out;
  }

  /** The benchmarks {@code bench.only} selects. */
  static Set<String> selected() {
    Set<String> out = new LinkedHashSet<>();
    for (String s : get("bench.only").toLowerCase(Locale.ROOT).split(",")) {
      String name = s.trim();
      if (name.equals("all")) {
        out.addAll(
            List.of(
                "hotpath",
                "e2e",
                "compression",
                "spool",
                "heap",
                "attachments",
                "latency",
                "webflux",
                "openai"));
        out.addAll(WrapperReport.CLIENTS);
      } else if (NAMES.contains(name)) {
        out.add(name);
      } else if (!name.isEmpty()) {
        throw new IllegalArgumentException("bench.only: unknown benchmark " + name);
      }
    }
    return out;
  }

  /** Every setting's effective value, for the report's placeholders ({@code {{bench.events}}}). */
  static Map<String, String> values() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String[] p : PROPERTIES) {
      out.put(p[0], get(p[0]));
    }
    return out;
  }

  /** The settings as a markdown table: property, effective value, meaning. */
  static String table() {
    StringBuilder md = new StringBuilder("| property | default | meaning |\n|---|---|---|\n");
    for (String[] p : PROPERTIES) {
      md.append("| `")
          .append(p[0])
          .append("` | ")
          .append(p[1].isEmpty() ? "-" : p[1])
          .append(" | ")
          .append(p[2])
          .append(" |\n");
    }
    return md.toString();
  }
}
