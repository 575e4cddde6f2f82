package dev.braintrust.reactive.otel;

import dev.braintrust.reactive.otel.internal.GenAiEvent;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import java.util.Objects;

/**
 * Hands GenAI events that instrumentation emits as OpenTelemetry log records ({@code
 * gen_ai.user.message}, {@code gen_ai.choice}, {@code gen_ai.client.inference.operation.details},
 * ...) to the {@link BraintrustSpanProcessor} tracking the span they were emitted in, so that the
 * prompt and completion they carry become that span's input and output. The OpenTelemetry
 * instrumentation of the OpenAI Java client, for one, records message content this way only.
 *
 * <pre>{@code
 * BraintrustSpanProcessor spans = BraintrustSpanProcessor.builder(exporter)...build();
 * OpenTelemetrySdk.builder()
 *     .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(spans).build())
 *     .setLoggerProvider(SdkLoggerProvider.builder()
 *         .addLogRecordProcessor(BraintrustLogRecordProcessor.forSpans(spans))
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>Only events emitted while their span is open are kept, at most 1000 per span; other log
 * records are ignored here and still reach the logger provider's other processors.
 */
public final class BraintrustLogRecordProcessor implements LogRecordProcessor {
  private final BraintrustSpanProcessor spans;

  private BraintrustLogRecordProcessor(BraintrustSpanProcessor spans) {
    this.spans = spans;
  }

  /** A processor attaching GenAI log events to the spans {@code spans} sends. */
  public static BraintrustLogRecordProcessor forSpans(BraintrustSpanProcessor spans) {
    return new BraintrustLogRecordProcessor(Objects.requireNonNull(spans, "spans"));
  }

  @Override
  public void onEmit(Context context, ReadWriteLogRecord logRecord) {
    SpanContext span = logRecord.getSpanContext();
    if (!span.isValid()) {
      return;
    }
    GenAiEvent event = GenAiEvent.of(logRecord);
    if (event != null) {
      spans.attach(span.getSpanId(), event);
    }
  }
}
