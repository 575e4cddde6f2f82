package dev.braintrust.reactive.eval.internal;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.SpanSink;
import dev.braintrust.reactive.core.internal.ParentReference;
import dev.braintrust.reactive.eval.TaskTrace;
import dev.braintrust.reactive.eval.TraceSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * A case's {@code task} span as the task's tracers see it: the parent of every span the task
 * starts, whatever tracer (and exporter) starts it. The eval writes the task row itself; this keeps
 * an in-memory copy of the task's spans as they end (for trace-aware scorers) and tells the run's
 * ledger which sinks they went to (so it can flush them before the run completes).
 */
public final class TaskSpanRef extends ParentReference {
  private final SpanLedger ledger;
  private final List<TraceSpan> spans = new ArrayList<>();

  /** The task span {@code spanId} of trace {@code traceId}, writing to {@code destination}. */
  public TaskSpanRef(String traceId, String spanId, Destination destination, SpanLedger ledger) {
    super(traceId, spanId, destination, "eval-task");
    this.ledger = ledger;
  }

  @Override
  public boolean watchesDescendants() {
    return true;
  }

  @Override
  public void descendantEnded(SpanSink sink, BraintrustEvent e) {
    ledger.saw(sink);
    TraceSpan s =
        new TraceSpan(
            e.spanName() == null ? "" : e.spanName(),
            e.spanType() == null ? "" : e.spanType(),
            e.input(),
            e.output(),
            e.error(),
            e.metadata(),
            e.otherMetrics(),
            e.startTime(),
            e.endTime());
    synchronized (spans) {
      spans.add(s);
    }
  }

  /** The spans ended so far. */
  public TaskTrace trace() {
    synchronized (spans) {
      return TaskTrace.of(new ArrayList<>(spans));
    }
  }

  @Override
  public Scope makeCurrent() {
    // The task runs with this span in its Reactor context (and, for blocking tasks, current on the
    // worker thread through Tracing.fromCallable); nothing else should make it current.
    throw new UnsupportedOperationException(
        "an eval's task span is current only inside its task's context");
  }
}
