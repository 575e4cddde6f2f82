package dev.braintrust.reactive.benchmarks;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * The peer's exporter, telling the benchmark which spans the sink acknowledged. The callback runs
 * as the export completes, before the processor reuses its batch, so it may read the spans.
 */
final class AckedSpanExporter implements SpanExporter {
  private final SpanExporter delegate;
  private final Consumer<Collection<SpanData>> onAck;

  AckedSpanExporter(SpanExporter delegate, Consumer<Collection<SpanData>> onAck) {
    this.delegate = delegate;
    this.onAck = onAck;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    CompletableResultCode r = delegate.export(spans);
    r.whenComplete(
        () -> {
          if (r.isSuccess()) {
            onAck.accept(spans);
          }
        });
    return r;
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}
