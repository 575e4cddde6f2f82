package dev.braintrust.reactive.otel.internal;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.internal.Validation;
import dev.braintrust.reactive.otel.SpanFilter;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What the span processor and the span exporter are both configured with. Both public builders
 * delegate here, so the two accept and reject exactly the same values with the same messages.
 */
public final class BridgeConfig {
  private final BraintrustExporter exporter;
  private final Destination destination;
  private final SpanFilter filter;
  private final Duration shutdownTimeout;
  private final TraceRatio sampling;

  private BridgeConfig(Builder b, Destination destination) {
    this.exporter = b.exporter;
    this.destination = destination;
    this.filter = b.filter;
    this.shutdownTimeout = b.shutdownTimeout;
    this.sampling = TraceRatio.of(b.sampleRatio);
  }

  /** The buffer spans are written into. */
  public BraintrustExporter exporter() {
    return exporter;
  }

  /** Where spans go unless {@code braintrust.parent} says otherwise. */
  public Destination destination() {
    return destination;
  }

  /** Which spans are sent. */
  public SpanFilter filter() {
    return filter;
  }

  /** How long shutdown lets the buffer deliver. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** Which traces are sent, by trace id. */
  public TraceRatio sampling() {
    return sampling;
  }

  /** Collects and checks the shared options; each setter fails on a bad value at once. */
  public static final class Builder {
    private final BraintrustExporter exporter;
    private @Nullable Destination destination;
    private SpanFilter filter = SpanFilter.all();
    private Duration shutdownTimeout = BraintrustExporter.DEFAULT_SHUTDOWN_TIMEOUT;
    private double sampleRatio = 1.0;

    public Builder(BraintrustExporter exporter) {
      this.exporter = notNull(exporter, "exporter");
    }

    public void destination(Destination destination) {
      this.destination = notNull(destination, "destination");
    }

    public void filter(SpanFilter filter) {
      this.filter = notNull(filter, "filter");
    }

    public void shutdownTimeout(Duration timeout) {
      this.shutdownTimeout =
          Validation.positive("shutdownTimeout", notNull(timeout, "shutdownTimeout"));
    }

    public void sampleRatio(double ratio) {
      if (!(ratio >= 0.0 && ratio <= 1.0)) {
        throw new IllegalArgumentException("sampleRatio must be between 0 and 1, got " + ratio);
      }
      this.sampleRatio = ratio;
    }

    /** The settings; there is no default destination, since a wrong guess loses data silently. */
    public BridgeConfig build() {
      if (destination == null) {
        throw new IllegalStateException(
            "destination is required: call destination(...) before build()");
      }
      return new BridgeConfig(this, destination);
    }

    private static <T> T notNull(@Nullable T value, String option) {
      if (value == null) {
        throw new NullPointerException(option + " must not be null");
      }
      return value;
    }
  }
}
