package dev.braintrust.reactive.otel;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.otel.internal.BridgeConfig;
import dev.braintrust.reactive.otel.internal.ResultCodes;
import dev.braintrust.reactive.otel.internal.ShutdownState;
import dev.braintrust.reactive.otel.internal.SpanMapper;
import dev.braintrust.reactive.otel.internal.TraceRatio;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * An OpenTelemetry {@link SpanExporter} for setups that already batch with their own span
 * processor. Each span goes to its own {@code braintrust.parent} if set, else to the exporter's
 * destination. Prefer {@link BraintrustSpanProcessor}: it skips the second queue, inherits {@code
 * braintrust.parent} across a trace and from baggage, and re-parents filtered traces.
 */
public final class BraintrustSpanExporter implements SpanExporter {
  private static final LibraryLog LOG = LibraryLog.get(BraintrustSpanExporter.class);
  private static final AttributeKey<String> PARENT = AttributeKey.stringKey(SpanMapper.PARENT);

  private final BraintrustExporter exporter;
  private final Destination destination;
  private final SpanFilter filter;
  private final TraceRatio sampling;
  private final Duration shutdownTimeout;
  private final ShutdownState lifecycle = new ShutdownState(LOG, "BraintrustSpanExporter");

  BraintrustSpanExporter(BridgeConfig config) {
    this.exporter = config.exporter();
    this.destination = config.destination();
    this.filter = config.filter();
    this.sampling = config.sampling();
    this.shutdownTimeout = config.shutdownTimeout();
  }

  /**
   * A builder feeding {@code exporter}.
   *
   * @param exporter the exporter
   * @return a builder feeding {@code exporter}
   */
  public static BraintrustSpanExporterBuilder builder(BraintrustExporter exporter) {
    return new BraintrustSpanExporterBuilder(exporter);
  }

  /**
   * Buffers the spans; succeeds at once, since delivery is the buffer's job. After {@link
   * #shutdown()} it buffers nothing and fails, as OTel's own exporters do.
   */
  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (lifecycle.isShutdown()) {
      lifecycle.ignoredAfterShutdown(spans.size() + " span(s) exported");
      return CompletableResultCode.ofFailure();
    }
    for (SpanData span : spans) {
      if (!sampling.keeps(span.getTraceId())) {
        continue;
      }
      boolean root = !span.getParentSpanContext().isValid();
      if (!filter.keep(span.getName(), span.getAttributes(), root)) {
        continue;
      }
      Destination dest = destination;
      String own = span.getAttributes().get(PARENT);
      if (own != null) {
        try {
          dest = Destination.parse(own);
        } catch (IllegalArgumentException bad) {
          // Keep the default destination; the processor logs bad parents, the exporter just skips
          // them.
        }
      }
      exporter.accept(SpanMapper.deferred(span, List.of(), dest, null, false));
    }
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Succeeds once everything exported so far was acknowledged. After {@link #shutdown()} it
   * succeeds at once: shutdown already delivered what there was.
   */
  @Override
  public CompletableResultCode flush() {
    if (lifecycle.isShutdown()) {
      return CompletableResultCode.ofSuccess();
    }
    return ResultCodes.of(exporter.flush());
  }

  /**
   * Shuts the exporter down, delivering what it holds within the shutdown timeout. Only the first
   * call does so; later ones return at once with an already completed code: the first call's once
   * it is known, success until then.
   */
  @Override
  public CompletableResultCode shutdown() {
    return lifecycle.shutdown(() -> ResultCodes.of(exporter.shutdown(shutdownTimeout)));
  }
}
