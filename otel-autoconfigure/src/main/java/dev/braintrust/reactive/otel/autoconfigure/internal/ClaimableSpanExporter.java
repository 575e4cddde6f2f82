package dev.braintrust.reactive.otel.autoconfigure.internal;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.otel.BraintrustSpanExporter;
import dev.braintrust.reactive.otel.BraintrustSpanProcessor;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * What {@code otel.traces.exporter=braintrust} creates. Autoconfigure wraps every exporter in its
 * own batching processor; when our customizer sees this exporter it {@linkplain #claim() claims}
 * the buffer for a {@link BraintrustSpanProcessor}, and this exporter does nothing from then on, so
 * spans pass through one queue. Unclaimed (a setup that applies no customizers, such as declarative
 * configuration) it works as a plain {@link BraintrustSpanExporter}, so spans still arrive.
 */
public final class ClaimableSpanExporter implements SpanExporter {
  private final Settings settings;
  private final BraintrustExporter buffer;
  private final BraintrustSpanExporter direct;
  private volatile @Nullable BraintrustSpanProcessor processor;

  /** An exporter with its own client and buffer, built from {@code settings}. */
  public ClaimableSpanExporter(Settings settings) {
    this.settings = settings;
    this.buffer = settings.newBuffer();
    this.direct = settings.newExporter(buffer);
  }

  /**
   * The span processor that owns the buffer from now on (the same one on every call). The caller
   * adds it to the tracer provider, which shuts it, and with it the buffer, down.
   */
  public synchronized BraintrustSpanProcessor claim() {
    BraintrustSpanProcessor p = processor;
    if (p == null) {
      p = settings.newProcessor(buffer);
      processor = p;
    }
    return p;
  }

  /** The processor, once claimed. */
  public @Nullable BraintrustSpanProcessor processor() {
    return processor;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return processor != null ? CompletableResultCode.ofSuccess() : direct.export(spans);
  }

  @Override
  public CompletableResultCode flush() {
    return processor != null ? CompletableResultCode.ofSuccess() : direct.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    // Once claimed the processor owns the buffer; shutting it from here would cut it off early.
    return processor != null ? CompletableResultCode.ofSuccess() : direct.shutdown();
  }

  @Override
  public String toString() {
    return "ClaimableSpanExporter{" + settings + (processor != null ? ", claimed" : "") + "}";
  }
}
