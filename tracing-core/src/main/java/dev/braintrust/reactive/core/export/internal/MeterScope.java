package dev.braintrust.reactive.core.export.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * One exporter's meters in a registry: each carries the tag {@code exporter} with this exporter's
 * number in the process (so two exporters sharing a registry are told apart), and all of them are
 * removed when the exporter shuts down, unless the registry is the exporter's own (then its stats
 * stay readable after the shutdown, and nothing outlives the exporter anyway).
 */
public final class MeterScope {
  /** The tag key naming the exporter a meter belongs to. */
  public static final String TAG = "exporter";

  private static final AtomicLong NEXT = new AtomicLong();

  private final MeterRegistry registry;
  private final boolean owned;
  private final Tags tags;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();

  /**
   * A scope for the next exporter of this process.
   *
   * @param registry where its meters go
   * @param owned whether the registry is the exporter's own (its meters are then left in it)
   */
  public MeterScope(MeterRegistry registry, boolean owned) {
    this.registry = registry;
    this.owned = owned;
    this.tags = Tags.of(TAG, Long.toString(NEXT.incrementAndGet()));
  }

  /** The registry. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The tags every meter of this exporter carries. */
  public Tags tags() {
    return tags;
  }

  /** A function counter reading {@code f} of {@code obj}, with {@code tags} besides the scope's. */
  public <T> FunctionCounter counter(
      String name, String description, Tags tags, T obj, ToDoubleFunction<T> f) {
    return add(
        FunctionCounter.builder(name, obj, f)
            .description(description)
            .tags(tags.and(this.tags))
            .register(registry));
  }

  /** A function counter reading {@code f} of {@code obj}. */
  public <T> FunctionCounter counter(
      String name, String description, T obj, ToDoubleFunction<T> f) {
    return counter(name, description, Tags.empty(), obj, f);
  }

  /** A gauge reading {@code f} of {@code obj}, in {@code baseUnit} (null: none). */
  public <T> Gauge gauge(
      String name, String description, @Nullable String baseUnit, T obj, ToDoubleFunction<T> f) {
    return add(
        Gauge.builder(name, obj, f)
            .description(description)
            .baseUnit(baseUnit)
            .tags(tags)
            .register(registry));
  }

  /** A counter the exporter increments, in {@code baseUnit} (null: none). */
  public Counter counter(String name, @Nullable String baseUnit) {
    return add(Counter.builder(name).baseUnit(baseUnit).tags(tags).register(registry));
  }

  /** Keeps {@code meter} for removal at shutdown, and returns it. */
  public <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  /** Removes every meter added, from a registry the exporter does not own. */
  public void close() {
    if (owned) {
      return;
    }
    for (Meter m : meters) {
      registry.remove(m);
    }
    meters.clear();
  }
}
