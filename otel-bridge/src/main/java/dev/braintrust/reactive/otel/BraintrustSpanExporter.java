package dev.braintrust.reactive.otel;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.otel.internal.BridgeConfig;
import dev.braintrust.reactive.otel.internal.ResultCodes;
import dev.braintrust.reactive.otel.internal.SpanMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;

/**
 * An OpenTelemetry {@link SpanExporter} for setups that already batch with their own span
 * processor. Each span goes to its own {@code braintrust.parent} if set, else to the exporter's
 * destination. Prefer {@link BraintrustSpanProcessor}: it skips the second queue, inherits {@code
 * braintrust.parent} across a trace and re-parents filtered traces.
 */
public final class BraintrustSpanExporter implements SpanExporter {
  private static final AttributeKey<String> PARENT = AttributeKey.stringKey(SpanMapper.PARENT);

  private final BraintrustExporter exporter;
  private final Destination destination;
  private final SpanFilter filter;
  private final Duration shutdownTimeout;

  BraintrustSpanExporter(BridgeConfig config) {
    this.exporter = config.exporter();
    this.destination = config.destination();
    this.filter = config.filter();
    this.shutdownTimeout = config.shutdownTimeout();
  }

  /** A builder feeding {@code exporter}. */
  public static BraintrustSpanExporterBuilder builder(BraintrustExporter exporter) {
    return new BraintrustSpanExporterBuilder(exporter);
  }

  /** Buffers the spans; succeeds at once, since delivery is the buffer's job. */
  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    for (SpanData span : spans) {
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
          // Keep the default destination; the processor logs bad parents, the exporter just skips them.
        }
      }
      exporter.accept(SpanMapper.toEvent(span, dest, null, false));
    }
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode flush() {
    return ResultCodes.of(exporter.flush());
  }

  @Override
  public CompletableResultCode shutdown() {
    return ResultCodes.of(exporter.shutdown(shutdownTimeout));
  }
}
