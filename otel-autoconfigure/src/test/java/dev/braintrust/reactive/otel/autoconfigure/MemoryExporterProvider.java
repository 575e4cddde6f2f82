package dev.braintrust.reactive.otel.autoconfigure;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * "Another vendor's" exporter for the coexistence tests: {@code memory} is batched by the SDK like
 * any vendor's; {@code console} takes the name autoconfigure gives a simple (unbatched) processor.
 */
public class MemoryExporterProvider implements ConfigurableSpanExporterProvider {
  /** The most recently created exporter, per name. */
  static final java.util.Map<String, Memory> LAST = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public String getName() {
    return "memory";
  }

  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    Memory m = new Memory();
    LAST.put(getName(), m);
    return m;
  }

  /** Registered under the name autoconfigure wraps in a {@code SimpleSpanProcessor}. */
  public static final class Console extends MemoryExporterProvider {
    @Override
    public String getName() {
      return "console";
    }
  }

  static final class Memory implements SpanExporter {
    final List<SpanData> spans = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
