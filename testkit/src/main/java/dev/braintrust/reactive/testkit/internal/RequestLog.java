package dev.braintrust.reactive.testkit.internal;

import dev.braintrust.reactive.testkit.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every request answered, in order of answer. Event-loop threads append while a test reads, so the
 * log is a lock-free queue (a copy-on-write list would copy itself on each of a soak test's million
 * requests).
 */
public final class RequestLog {
  private final ConcurrentLinkedQueue<RecordedRequest> requests = new ConcurrentLinkedQueue<>();

  /** Appends one request. */
  public void add(RecordedRequest request) {
    requests.add(request);
  }

  /** A snapshot of every request. */
  public List<RecordedRequest> all() {
    return List.copyOf(requests);
  }

  /** A snapshot of the requests whose path contains {@code fragment}. */
  public List<RecordedRequest> pathContaining(String fragment) {
    List<RecordedRequest> out = new ArrayList<>();
    for (RecordedRequest r : requests) {
      if (r.path().contains(fragment)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Forgets every request. */
  public void clear() {
    requests.clear();
  }
}
