package dev.braintrust.reactive.otel.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a fixed share of traces for Braintrust, decided by trace id alone. It asks the SDK's own
 * {@code TraceIdRatioBased} sampler, so every service configured with the same ratio (and an SDK
 * {@code traceidratio} sampler with that ratio) keeps the same traces, and a kept trace is whole.
 */
public final class TraceRatio {
  private static final TraceRatio ALL = new TraceRatio(1.0, null);

  private final double ratio;
  private final @Nullable Sampler sampler;

  private TraceRatio(double ratio, @Nullable Sampler sampler) {
    this.ratio = ratio;
    this.sampler = sampler;
  }

  /** Keeps {@code ratio} of traces (0 to 1). */
  public static TraceRatio of(double ratio) {
    return ratio >= 1.0 ? ALL : new TraceRatio(ratio, Sampler.traceIdRatioBased(ratio));
  }

  /** The share of traces kept. */
  public double ratio() {
    return ratio;
  }

  /** Whether every trace is kept. */
  public boolean keepsAll() {
    return sampler == null;
  }

  /** Whether the trace with this id is sent. */
  public boolean keeps(String traceId) {
    return sampler == null
        || sampler
                .shouldSample(
                    Context.root(), traceId, "", SpanKind.INTERNAL, Attributes.empty(), List.of())
                .getDecision()
            == SamplingDecision.RECORD_AND_SAMPLE;
  }
}
