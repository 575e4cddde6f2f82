package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Walks a cursor-paginated endpoint under backpressure: the next page is requested only when the
 * subscriber has demand left and the rows already fetched are used up.
 */
public final class PageWalker {
  private final FluxSink<JsonNode> sink;
  private final Function<@Nullable String, Mono<Page>> fetchPage;
  private final ArrayDeque<JsonNode> buffered = new ArrayDeque<>();
  private @Nullable String cursor;
  private boolean started;
  private boolean exhausted;
  private boolean inFlight;
  private boolean done;
  private @Nullable Disposable current;
  // A lock, not a monitor: rows go downstream while it is held, and a subscriber that blocks on a
  // virtual thread must not pin its carrier.
  private final ReentrantLock lock = new ReentrantLock();

  private PageWalker(FluxSink<JsonNode> sink, Function<@Nullable String, Mono<Page>> fetchPage) {
    this.sink = sink;
    this.fetchPage = fetchPage;
  }

  /** One page: its items and the cursor of the next page, null or empty on the last one. */
  public record Page(JsonNode items, @Nullable String next) {}

  /**
   * The items of every page. {@code fetchPage} gets the cursor (null for the first page). An empty
   * page ends the walk too, so a server that keeps answering a cursor cannot loop forever.
   */
  public static Flux<JsonNode> walk(Function<@Nullable String, Mono<Page>> fetchPage) {
    return Flux.create(
        sink -> {
          PageWalker w = new PageWalker(sink, fetchPage);
          sink.onRequest(n -> w.drain());
          sink.onDispose(w::dispose);
        },
        FluxSink.OverflowStrategy.BUFFER);
  }

  private void drain() {
    boolean fetch = false;
    lock.lock();
    try {
      if (done) {
        return;
      }
      // A cancel arriving from inside sink.next (take(n)) sets done: stop there, or the rest of the
      // page would be drained into a cancelled sink and the next page fetched for nobody.
      while (!done && sink.requestedFromDownstream() > 0 && !buffered.isEmpty()) {
        sink.next(buffered.poll());
      }
      if (done) {
        return;
      }
      if (buffered.isEmpty() && exhausted) {
        done = true;
      } else if (buffered.isEmpty() && sink.requestedFromDownstream() > 0 && !inFlight) {
        inFlight = true;
        fetch = true;
      }
    } finally {
      lock.unlock();
    }
    if (done && !fetch) {
      sink.complete();
      return;
    }
    if (fetch) {
      String c;
      lock.lock();
      try {
        c = started ? cursor : null;
        started = true;
      } finally {
        lock.unlock();
      }
      // The caller's context (impersonation, ...) goes to every page's request, not just the first.
      Disposable d =
          fetchPage
              .apply(c)
              .subscribe(this::onPage, this::onError, null, Context.of(sink.contextView()));
      lock.lock();
      try {
        current = d;
      } finally {
        lock.unlock();
      }
    }
  }

  private void onPage(Page page) {
    lock.lock();
    try {
      inFlight = false;
      page.items().forEach(buffered::add);
      String next = page.next();
      if (next != null && !next.isEmpty() && page.items().size() > 0) {
        cursor = next;
      } else {
        exhausted = true;
      }
    } finally {
      lock.unlock();
    }
    drain();
  }

  private void onError(Throwable e) {
    lock.lock();
    try {
      done = true;
    } finally {
      lock.unlock();
    }
    sink.error(e);
  }

  private void dispose() {
    lock.lock();
    try {
      done = true;
      if (current != null) {
        current.dispose();
      }
    } finally {
      lock.unlock();
    }
  }
}
