package dev.braintrust.reactive.core;

import dev.braintrust.reactive.core.internal.Ids;
import dev.braintrust.reactive.core.internal.Time;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The span implementation: accumulates fields locally and emits one row on end. */
final class DefaultSpan implements Span {
  private static final int MAX_STACK_FRAMES = 30;

  private final SpanSink sink;
  private final Clock clock;
  private final Destination destination;
  private final String id;
  private final String spanId;
  private final String rootSpanId;
  private final List<String> parents;
  private final String name;
  private final SpanType type;
  private final Instant start;

  // Guarded by this. Spans are almost never contended, so a monitor is the cheapest safe choice.
  private @Nullable Object input = Log.UNSET;
  private @Nullable Object output = Log.UNSET;
  private @Nullable Object expected = Log.UNSET;
  private @Nullable Object error = Log.UNSET;
  private @Nullable Map<String, @Nullable Double> scores;
  private @Nullable Map<String, @Nullable Object> metadata;
  private final Map<String, Number> metrics = new LinkedHashMap<>(8);
  private @Nullable List<String> tags;
  private boolean ended;

  DefaultSpan(
      SpanSink sink,
      Clock clock,
      Destination destination,
      String name,
      SpanType type,
      @Nullable Span parent) {
    this.sink = sink;
    this.clock = clock;
    this.destination = parent == null ? destination : parent.destination();
    this.id = Ids.newId();
    // W3C-shaped ids, so spans interleave exactly with OpenTelemetry spans of the same trace.
    this.spanId = Ids.newSpanId();
    if (parent == null) {
      this.rootSpanId = Ids.newTraceId();
      this.parents = List.of();
    } else {
      this.rootSpanId = parent.rootSpanId();
      this.parents = List.of(parent.spanId());
    }
    this.name = name;
    this.type = type;
    this.start = clock.instant();
    metrics.put("start", Time.epochSeconds(start));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String spanId() {
    return spanId;
  }

  @Override
  public String rootSpanId() {
    return rootSpanId;
  }

  @Override
  public List<String> parentSpanIds() {
    return parents;
  }

  @Override
  public Destination destination() {
    return destination;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public SpanType type() {
    return type;
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
    if (!log.scores.isEmpty()) {
      if (scores == null) {
        scores = new LinkedHashMap<>();
      }
      scores.putAll(log.scores);
    }
    if (!log.metadata.isEmpty()) {
      if (metadata == null) {
        metadata = new LinkedHashMap<>();
      }
      metadata.putAll(log.metadata);
    }
    metrics.putAll(log.metrics);
    if (!log.tags.isEmpty()) {
      if (tags == null) {
        tags = new ArrayList<>();
      }
      for (String t : log.tags) {
        if (!tags.contains(t)) {
          tags.add(t);
        }
      }
    }
  }

  /** A row carrying only what this late log adds, merged server-side into the ended row. */
  private BraintrustEvent mergeEvent(Log log) {
    BraintrustEvent.Builder b = BraintrustEvent.builder(destination, id).merge(true);
    b.span(spanId, rootSpanId, parents);
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
    log.tags.forEach(b::tag);
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
    return new DefaultSpan(sink, clock, destination, name, type, this);
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
      metrics.put("end", Time.epochSeconds(clock.instant()));
      BraintrustEvent.Builder b =
          BraintrustEvent.builder(destination, id)
              .span(spanId, rootSpanId, parents)
              .spanAttributes(name, type.wireName())
              .created(start.toString())
              .metricsMap(metrics);
      if (input != Log.UNSET) {
        b.input(input);
      }
      if (output != Log.UNSET) {
        b.output(output);
      }
      if (expected != Log.UNSET) {
        b.expected(expected);
      }
      if (error != Log.UNSET) {
        b.error(error);
      }
      if (scores != null) {
        b.scoresMap(scores);
      }
      if (metadata != null) {
        b.metadataMap(metadata);
      }
      if (tags != null) {
        b.tagsList(tags);
      }
      event = b.build();
    }
    sink.accept(event);
  }

  @Override
  public synchronized boolean isEnded() {
    return ended;
  }

  @Override
  public String toString() {
    return "Span{" + name + ", type=" + type.wireName() + ", spanId=" + spanId + "}";
  }
}
