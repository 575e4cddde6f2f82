package dev.braintrust.reactive.eval.internal;

import dev.braintrust.reactive.core.SpanSink;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The sinks the tasks' spans went to during one run, with how many spans each took: the run flushes
 * every one that is an exporter before it completes, and reports the rest, since a plain {@link
 * SpanSink} cannot say when its rows are delivered.
 */
public final class SpanLedger {
  private final Map<SpanSink, long[]> sinks = new IdentityHashMap<>();

  /** A span's row went to {@code sink}. */
  public synchronized void saw(SpanSink sink) {
    sinks.computeIfAbsent(sink, s -> new long[1])[0]++;
  }

  /** Spans seen so far. */
  public synchronized long spans() {
    long n = 0;
    for (long[] c : sinks.values()) {
      n += c[0];
    }
    return n;
  }

  /**
   * Flushes every exporter the tasks' spans went to, and {@code extra} (the eval's configured
   * exporter) too, each within {@code timeout}; completes with a line for each sink whose spans
   * were not (or cannot be known to be) delivered. Never errors.
   */
  public Mono<List<String>> deliver(@Nullable BraintrustExporter extra, Duration timeout) {
    Map<SpanSink, Long> copy = new IdentityHashMap<>();
    synchronized (this) {
      sinks.forEach((s, c) -> copy.put(s, c[0]));
    }
    if (extra != null) {
      copy.putIfAbsent(extra, 0L);
    }
    return Flux.fromIterable(copy.entrySet())
        .flatMap(e -> deliver(e.getKey(), e.getValue(), timeout))
        .collectList()
        .map(ArrayList::new);
  }

  private static Mono<String> deliver(SpanSink sink, long spans, Duration timeout) {
    if (!(sink instanceof BraintrustExporter)) {
      return Mono.just(
          spans
              + " task span(s) went to a "
              + sink.getClass().getName()
              + ", not a BraintrustExporter: their delivery cannot be confirmed");
    }
    return ((BraintrustExporter) sink)
        .flush()
        .timeout(timeout)
        .then(Mono.<String>empty())
        .onErrorResume(
            e ->
                Mono.just(
                    "task spans ("
                        + spans
                        + " from this run) not confirmed delivered by their exporter within "
                        + timeout
                        + ": "
                        + e));
  }
}
