package dev.braintrust.reactive.eval.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Groups the rows of many cases into inserts of about {@code maxRows}, so an eval of a thousand
 * cases is a few dozen requests, not a thousand. The case whose rows fill a batch waits until the
 * batch is delivered: at most one batch per running case is in flight, and the run's concurrency
 * bounds the memory held. {@link #flush()} sends the rest at the end. Failures never error the
 * returned Monos; they are counted for the run's report.
 */
public final class RowBatches {
  private final Function<List<Map<String, Object>>, Mono<Void>> insert;
  private final int maxRows;
  private List<Map<String, Object>> rows = new ArrayList<>();
  private int cases;
  private int undeliveredCases;
  private @Nullable String lastError;

  /** Batches of about {@code maxRows} rows, sent with {@code insert}. */
  public RowBatches(Function<List<Map<String, Object>>, Mono<Void>> insert, int maxRows) {
    this.insert = insert;
    this.maxRows = maxRows;
  }

  /** Adds one case's rows; completes at once, or once the batch they filled is delivered. */
  public Mono<Void> add(List<Map<String, Object>> caseRows) {
    List<Map<String, Object>> full = null;
    int n = 0;
    synchronized (this) {
      rows.addAll(caseRows);
      cases++;
      if (rows.size() >= maxRows) {
        full = rows;
        n = cases;
        rows = new ArrayList<>();
        cases = 0;
      }
    }
    return full == null ? Mono.empty() : send(full, n);
  }

  /** Sends what is left. */
  public Mono<Void> flush() {
    return Mono.defer(
        () -> {
          List<Map<String, Object>> rest;
          int n;
          synchronized (this) {
            rest = rows;
            n = cases;
            rows = new ArrayList<>();
            cases = 0;
          }
          return rest.isEmpty() ? Mono.empty() : send(rest, n);
        });
  }

  private Mono<Void> send(List<Map<String, Object>> batch, int caseCount) {
    return Mono.defer(() -> insert.apply(batch))
        .onErrorResume(
            e -> {
              synchronized (this) {
                undeliveredCases += caseCount;
                lastError = e.toString();
              }
              return Mono.empty();
            });
  }

  /** What was not delivered, or null when everything was. */
  public synchronized @Nullable String undelivered() {
    return undeliveredCases == 0
        ? null
        : undeliveredCases + " case run(s) whose rows the server did not take: " + lastError;
  }
}
