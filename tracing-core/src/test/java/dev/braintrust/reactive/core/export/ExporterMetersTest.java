package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.internal.MeterScope;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Two exporters sharing a registry are told apart by the {@code exporter} tag, and one that shuts
 * down removes its meters from the shared registry while the other's stay; an exporter's own
 * registry keeps its meters readable after the shutdown.
 */
class ExporterMetersTest {
  static final Transport OK =
      (d, b) -> Mono.just(InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0));

  static Set<String> exporterTags(MeterRegistry registry) {
    return registry.getMeters().stream()
        .map(Meter::getId)
        .filter(id -> id.getName().startsWith("braintrust."))
        .map(id -> id.getTag(MeterScope.TAG))
        .collect(Collectors.toSet());
  }

  static double delivered(MeterRegistry registry, String exporter) {
    return registry
        .get("braintrust.events.delivered")
        .tag(MeterScope.TAG, exporter)
        .functionCounter()
        .count();
  }

  @Test
  void exportersSharingARegistryAreToldApartAndRemoveTheirMetersAtShutdown() {
    MeterRegistry shared = new SimpleMeterRegistry();
    BraintrustExporter first = BraintrustExporter.builder(OK).meterRegistry(shared).build();
    BraintrustExporter second = BraintrustExporter.builder(OK).meterRegistry(shared).build();
    Set<String> both = exporterTags(shared);
    assertThat(both).hasSize(2).doesNotContainNull();

    first.accept(BraintrustEvent.builder(Destination.projectLogs("p"), "a").input("q").build());
    first.accept(BraintrustEvent.builder(Destination.projectLogs("p"), "b").input("q").build());
    second.accept(BraintrustEvent.builder(Destination.projectLogs("p"), "c").input("q").build());
    first.flush().block(Duration.ofSeconds(30));
    second.flush().block(Duration.ofSeconds(30));
    String firstTag =
        shared.getMeters().stream()
            .filter(m -> m.getId().getName().equals("braintrust.events.delivered"))
            .filter(m -> ((FunctionCounter) m).count() == 2.0)
            .findFirst()
            .orElseThrow()
            .getId()
            .getTag(MeterScope.TAG);
    String secondTag = both.stream().filter(t -> !t.equals(firstTag)).findFirst().orElseThrow();
    assertThat(delivered(shared, secondTag)).isEqualTo(1.0);

    first.shutdown(Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
    assertThat(exporterTags(shared)).containsExactly(secondTag);
    assertThat(first.stats().delivered())
        .as("the first exporter's stats, still readable")
        .isEqualTo(2);

    second.shutdown(Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
    assertThat(exporterTags(shared)).isEmpty();
  }

  @Test
  void anExportersOwnRegistryStaysReadableAfterShutdown() {
    BraintrustExporter ex = BraintrustExporter.builder(OK).build();
    ex.accept(BraintrustEvent.builder(Destination.projectLogs("p"), "a").input("q").build());
    ex.shutdown(Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
    assertThat(ex.meterRegistry().get("braintrust.events.delivered").functionCounter().count())
        .isEqualTo(1.0);
  }
}
