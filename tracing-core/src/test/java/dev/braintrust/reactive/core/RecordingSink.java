package dev.braintrust.reactive.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects events in memory for tests of the span API. */
final class RecordingSink implements SpanSink {
  final List<BraintrustEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void accept(BraintrustEvent event) {
    events.add(event);
  }

  BraintrustEvent byName(String name) {
    return events.stream()
        .filter(e -> name.equals(e.spanName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span named " + name + " in " + events));
  }
}
