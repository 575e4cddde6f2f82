package dev.braintrust.reactive.core;

import dev.braintrust.reactive.core.internal.ParentReference;
import dev.braintrust.reactive.core.internal.Time;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The span implementation: accumulates fields locally and emits one row on end.
 *
 * <p>Kept lean because it runs on the caller's thread: times are primitives, the first log's
 * (immutable) maps are adopted as they are and copied only when a later log adds to them, and
 * {@code created} is formatted later by the encoder.
 */
final class DefaultSpan implements Span {
  private static final int MAX_STACK_FRAMES = 30;

  private final SpanSink sink;
  private final Clock clock;
  private final boolean systemClock;
  private final Destination destination;
  private final SpanIds ids;
  // Guarded by this (a plain field, so the constructor stays free of fences).
  private String name;
  private final SpanType type;
  private final String instrumentation;
  private final Instant start;
  private final double startSeconds;
  private final long startNanos;

  // Guarded by this. Spans are almost never contended, so a monitor is the cheapest safe choice.
  private @Nullable Object input = Log.UNSET;
  private @Nullable Object output = Log.UNSET;
  private @Nullable Object expected = Log.UNSET;
  private @Nullable Object error = Log.UNSET;
  private Map<String, @Nullable Double> scores = Map.of();
  private Map<String, @Nullable Object> metadata = Map.of();
  private Map<String, Number> metrics = Map.of();
  private Map<String, @Nullable Object> context = Map.of();
  private List<String> tags = List.of();
  private boolean ended;
  // The nearest ancestor standing for another owner's span that asked to see its descendants end
  // (an eval's task span); null almost always.
  private final @Nullable ParentReference watcher;

  DefaultSpan(
      SpanSink sink,
      Clock clock,
      Destination destination,
      String name,
      SpanType type,
      String instrumentation,
      @Nullable Span parent) {
    this.sink = sink;
    this.clock = clock;
    this.systemClock = clock == Tracer.SYSTEM_CLOCK;
    this.destination = parent == null ? destination : parent.destination();
    // W3C-shaped ids (16-hex span, 32-hex trace) so spans interleave exactly with OpenTelemetry's.
    this.ids = SpanIds.create(parent);
    this.watcher =
        parent instanceof DefaultSpan
            ? ((DefaultSpan) parent).watcher
            : parent instanceof ParentReference && ((ParentReference) parent).watchesDescendants()
                ? (ParentReference) parent
                : null;
    this.name = name;
    this.type = type;
    this.instrumentation = instrumentation;
    this.start = clock.instant();
    this.startSeconds = Time.epochSeconds(start);
    this.startNanos = System.nanoTime();
  }

  SpanIds ids() {
    return ids;
  }

  @Override
  public String id() {
    return ids.rowId();
  }

  @Override
  public String spanId() {
    return ids.spanId();
  }

  @Override
  public String rootSpanId() {
    return ids.traceId();
  }

  @Override
  public List<String> parentSpanIds() {
    return ids.parents();
  }

  @Override
  public Destination destination() {
    return destination;
  }

  @Override
  public synchronized String name() {
    return name;
  }

  @Override
  public SpanType type() {
    return type;
  }

  @Override
  public Span updateName(String name) {
    Objects.requireNonNull(name, "span name must not be null");
    synchronized (this) {
      if (!ended) {
        this.name = name;
      }
    }
    return this;
  }

  @Override
  public Span log(Log log) {
    BraintrustEvent late = null;
    synchronized (this) {
      if (ended) {
        late = mergeEvent(log);
      } else {
        apply(log);
      }
    }
    if (late != null) {
      sink.accept(late);
    }
    return this;
  }

  private void apply(Log log) {
    if (log.input != Log.UNSET) {
      input = log.input;
    }
    if (log.output != Log.UNSET) {
      output = log.output;
    }
    if (log.expected != Log.UNSET) {
      expected = log.expected;
    }
    if (log.error != Log.UNSET) {
      error = describeError(log.error);
    }
    scores = merged(scores, log.scores);
    metadata = merged(metadata, log.metadata);
    metrics = merged(metrics, log.metrics);
    context = merged(context, log.context);
    addTags(log.tags);
  }

  private void addTags(List<String> more) {
    if (!more.isEmpty()) {
      List<String> all = new ArrayList<>(tags);
      for (String t : more) {
        if (!all.contains(t)) {
          all.add(t);
        }
      }
      tags = all;
    }
  }

  /**
   * {@code current} with {@code more} laid over it; adopts {@code more} when nothing is there yet.
   */
  private static <V> Map<String, V> merged(Map<String, V> current, Map<String, V> more) {
    if (more.isEmpty()) {
      return current;
    }
    if (current.isEmpty()) {
      return more;
    }
    Map<String, V> m = current instanceof LinkedHashMap ? current : new LinkedHashMap<>(current);
    m.putAll(more);
    return m;
  }

  /** A row carrying only what this late log adds, merged server-side into the ended row. */
  private BraintrustEvent mergeEvent(Log log) {
    BraintrustEventBuilder b = BraintrustEvent.builder(destination, ids.rowId()).merge(true);
    b.span(ids.spanId(), ids.traceId(), ids.parents());
    if (log.input != Log.UNSET) {
      b.input(log.input);
    }
    if (log.output != Log.UNSET) {
      b.output(log.output);
    }
    if (log.expected != Log.UNSET) {
      b.expected(log.expected);
    }
    if (log.error != Log.UNSET) {
      b.error(describeError(log.error));
    }
    log.scores.forEach(b::score);
    log.metadata.forEach(b::metadata);
    log.metrics.forEach(b::metric);
    log.context.forEach(b::context);
    if (!log.tags.isEmpty()) {
      // A merge replaces arrays on the server, so a late merge carries every tag the span has.
      addTags(log.tags);
      tags.forEach(b::tag);
    }
    return b.build();
  }

  static @Nullable Object describeError(@Nullable Object error) {
    if (!(error instanceof Throwable)) {
      return error;
    }
    Throwable t = (Throwable) error;
    StringWriter out = new StringWriter();
    PrintWriter pw = new PrintWriter(out);
    pw.print(t);
    StackTraceElement[] frames = t.getStackTrace();
    int n = Math.min(frames.length, MAX_STACK_FRAMES);
    for (int i = 0; i < n; i++) {
      pw.print("\n\tat ");
      pw.print(frames[i]);
    }
    if (frames.length > n) {
      pw.print("\n\t... " + (frames.length - n) + " more");
    }
    pw.flush();
    return out.toString();
  }

  @Override
  public Span startChild(String name, SpanType type) {
    return new DefaultSpan(sink, clock, destination, name, type, instrumentation, this);
  }

  @Override
  public Scope makeCurrent() {
    return Tracing.makeCurrent(this);
  }

  @Override
  public void end() {
    BraintrustEvent event;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      // With the system clock, end = start + monotonic elapsed time: cheaper, and immune to clock
      // steps.
      double endSeconds =
          systemClock
              ? startSeconds + (System.nanoTime() - startNanos) / 1e9
              : Time.epochSeconds(clock.instant());
      event =
          new BraintrustEvent(
              destination,
              ids,
              name,
              type.wireName(),
              start,
              startSeconds,
              endSeconds,
              input == Log.UNSET ? null : input,
              input != Log.UNSET,
              output == Log.UNSET ? null : output,
              output != Log.UNSET,
              expected == Log.UNSET ? null : expected,
              expected != Log.UNSET,
              error == Log.UNSET ? null : error,
              error != Log.UNSET,
              scores,
              metadata,
              metrics,
              context,
              instrumentation,
              tags);
    }
    sink.accept(event);
    if (watcher != null) {
      watcher.descendantEnded(sink, event);
    }
  }

  @Override
  public synchronized boolean isEnded() {
    return ended;
  }

  @Override
  public String toString() {
    return "Span{" + name() + ", type=" + type.wireName() + ", spanId=" + ids.spanId() + "}";
  }
}
