package dev.braintrust.reactive.otel;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracing;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.otel.internal.BridgeConfig;
import dev.braintrust.reactive.otel.internal.GenAiEvent;
import dev.braintrust.reactive.otel.internal.OtelContextBridge;
import dev.braintrust.reactive.otel.internal.ParentFormat;
import dev.braintrust.reactive.otel.internal.ResultCodes;
import dev.braintrust.reactive.otel.internal.ShutdownState;
import dev.braintrust.reactive.otel.internal.SpanMapper;
import dev.braintrust.reactive.otel.internal.TraceRatio;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * An OpenTelemetry {@link SpanProcessor} that writes finished spans straight into a {@link
 * BraintrustExporter}'s bounded buffer: one queue, not two.
 *
 * <pre>{@code
 * SdkTracerProvider provider = SdkTracerProvider.builder()
 *     .addSpanProcessor(BraintrustSpanProcessor.builder(exporter)
 *         .destination(Destination.projectLogsByName("my-app"))
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>A trace goes to the processor's destination unless its root (or any ancestor) sets {@code
 * braintrust.parent} ({@code project_id:ID}, {@code project_name:NAME}, {@code experiment_id:ID}),
 * or it continues a trace whose {@link Baggage} carries {@code braintrust.parent} (see {@link
 * BraintrustBaggage}). By default the processor also links tracing-core spans and OTel spans into
 * one tree.
 */
public final class BraintrustSpanProcessor implements SpanProcessor {
  private static final LibraryLog LOG = LibraryLog.get(BraintrustSpanProcessor.class);
  private static final AttributeKey<String> PARENT = AttributeKey.stringKey(SpanMapper.PARENT);

  /** The most log-record events kept for one span. */
  static final int MAX_LOGGED_EVENTS = 1000;

  private final BraintrustExporter exporter;
  private final Destination destination;
  private final SpanFilter filter;
  private final TraceRatio sampling;
  private final boolean parentFromBaggage;
  private final Duration shutdownTimeout;
  private final @Nullable OtelContextBridge bridge;
  private final Map<String, State> inFlight = new ConcurrentHashMap<>();
  private final AtomicBoolean warnedBadParent = new AtomicBoolean();
  // The braintrust.parent string of the destination last asked for: a process sends to few
  // destinations, and every outgoing call asks (ParentBaggagePropagator).
  private volatile @Nullable ParentOf lastParent;

  private record ParentOf(Destination destination, @Nullable String parent) {}

  private final ShutdownState lifecycle = new ShutdownState(LOG, "BraintrustSpanProcessor");

  /** What a started span passes on to its children. */
  private static final class State {
    final Destination destination;
    final @Nullable String keptParent;
    final boolean keptAtStart;
    // GenAI events emitted as log records inside the span (see BraintrustLogRecordProcessor).
    @Nullable List<GenAiEvent> logged;

    State(Destination destination, @Nullable String keptParent, boolean keptAtStart) {
      this.destination = destination;
      this.keptParent = keptParent;
      this.keptAtStart = keptAtStart;
    }
  }

  BraintrustSpanProcessor(BridgeConfig config, boolean linkTracingCore, boolean parentFromBaggage) {
    this.parentFromBaggage = parentFromBaggage;
    this.exporter = config.exporter();
    this.destination = config.destination();
    this.filter = config.filter();
    this.sampling = config.sampling();
    this.shutdownTimeout = config.shutdownTimeout();
    if (linkTracingCore) {
      this.bridge = new OtelContextBridge(this::destinationOf);
      Tracing.installBridge(bridge);
    } else {
      this.bridge = null;
    }
  }

  /**
   * A builder feeding {@code exporter}.
   *
   * @param exporter the exporter
   * @return a builder feeding {@code exporter}
   */
  public static BraintrustSpanProcessorBuilder builder(BraintrustExporter exporter) {
    return new BraintrustSpanProcessorBuilder(exporter);
  }

  Destination destinationOf(String spanId) {
    State s = inFlight.get(spanId);
    return s == null ? destination : s.destination;
  }

  /**
   * The {@code braintrust.parent} of a started, unended span, or null if it has none to pass on.
   */
  @Nullable String parentOf(String spanId) {
    State s = inFlight.get(spanId);
    if (s == null) {
      return null;
    }
    ParentOf last = lastParent;
    if (last == null || last.destination != s.destination) {
      last = new ParentOf(s.destination, ParentFormat.of(s.destination));
      lastParent = last;
    }
    return last.parent;
  }

  /**
   * Keeps a GenAI event emitted as a log record inside the unended span {@code spanId}, for its
   * row. Events for spans this processor doesn't track, or past {@link #MAX_LOGGED_EVENTS}, are
   * dropped.
   */
  void attach(String spanId, GenAiEvent event) {
    State s = inFlight.get(spanId);
    if (s == null) {
      return;
    }
    synchronized (s) {
      if (s.logged == null) {
        s.logged = new ArrayList<>();
      }
      if (s.logged.size() < MAX_LOGGED_EVENTS) {
        s.logged.add(event);
      }
    }
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (lifecycle.isShutdown()) {
      // Nothing will be sent, so don't hold per-span state that onEnd would only discard.
      return;
    }
    if (!sampling.keeps(span.getSpanContext().getTraceId())) {
      // The whole trace is left out by the same test, so there is nothing to pass on to children.
      return;
    }
    SpanContext parent = span.getParentSpanContext();
    State parentState = parent.isValid() ? inFlight.get(parent.getSpanId()) : null;
    Destination dest;
    if (parentState != null) {
      dest = parentState.destination;
    } else {
      // A new trace or one continued from another service: the caller's braintrust.parent, carried
      // in baggage, keeps a trace that crosses services in one project or experiment.
      String upstream =
          parentFromBaggage
              ? Baggage.fromContext(parentContext).getEntryValue(BraintrustBaggage.PARENT)
              : null;
      dest = upstream != null ? parse(upstream, destination) : destination;
    }
    String own = span.getAttribute(PARENT);
    if (own != null) {
      dest = parse(own, dest);
    }
    boolean root = !parent.isValid();
    boolean kept =
        filter.keepsAll() || filter.keep(span.getName(), span.toSpanData().getAttributes(), root);
    String keptParent;
    if (!parent.isValid()) {
      keptParent = null;
    } else if (parentState == null || parentState.keptAtStart) {
      keptParent = parent.getSpanId();
    } else {
      keptParent = parentState.keptParent;
    }
    inFlight.put(span.getSpanContext().getSpanId(), new State(dest, keptParent, kept));
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    State state = inFlight.remove(span.getSpanContext().getSpanId());
    if (lifecycle.isShutdown()) {
      lifecycle.ignoredAfterShutdown("a span ended");
      return;
    }
    if (state == null
        && !sampling.keepsAll()
        && !sampling.keeps(span.getSpanContext().getTraceId())) {
      return;
    }
    SpanData data = span.toSpanData();
    boolean root = !data.getParentSpanContext().isValid();
    boolean kept =
        (state != null && state.keptAtStart)
            || filter.keep(data.getName(), data.getAttributes(), root);
    if (!kept) {
      return;
    }
    Destination dest = state != null ? state.destination : destination;
    String own = data.getAttributes().get(PARENT);
    if (own != null) {
      dest = parse(own, dest);
    }
    boolean reparent = !filter.keepsAll() && state != null;
    List<GenAiEvent> logged = List.of();
    if (state != null) {
      synchronized (state) {
        if (state.logged != null) {
          logged = List.copyOf(state.logged);
        }
      }
    }
    // The row is built on the exporter's thread: only its destination and id are needed now.
    exporter.accept(
        SpanMapper.deferred(data, logged, dest, reparent ? state.keptParent : null, reparent));
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  private Destination parse(String parent, Destination fallback) {
    try {
      return Destination.parse(parent);
    } catch (IllegalArgumentException e) {
      if (warnedBadParent.compareAndSet(false, true)) {
        LOG.warn("{}; sending to {} (logged once)", e.getMessage(), fallback);
      }
      return fallback;
    }
  }

  /**
   * Flushes the exporter: succeeds when everything ended so far was acknowledged. After {@link
   * #shutdown()} it succeeds at once, as OTel's {@code BatchSpanProcessor} does: shutdown already
   * delivered what there was.
   */
  @Override
  public CompletableResultCode forceFlush() {
    if (lifecycle.isShutdown()) {
      return CompletableResultCode.ofSuccess();
    }
    return ResultCodes.of(exporter.flush());
  }

  /**
   * Shuts the exporter down (delivering what it holds within the shutdown timeout) and unlinks
   * tracing-core. Only the first call does so; later ones return at once with an already completed
   * code: the first call's once it is known, success until then.
   */
  @Override
  public CompletableResultCode shutdown() {
    return lifecycle.shutdown(
        () -> {
          if (bridge != null) {
            Tracing.installBridge(null);
          }
          inFlight.clear();
          return ResultCodes.of(exporter.shutdown(shutdownTimeout));
        });
  }
}
