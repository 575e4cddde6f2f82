package dev.braintrust.reactive.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Both builders share one config, so they must reject the same bad values the same way. */
class BuilderValidationTest {
  final BraintrustExporter exporter = BraintrustExporter.builder((d, b) -> Mono.empty()).build();

  @AfterEach
  void close() {
    exporter.shutdown(Duration.ofSeconds(5)).block();
  }

  @Test
  void processorBuilderRejectsBadValuesNamingTheOption() {
    assertThatThrownBy(() -> BraintrustSpanProcessor.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("exporter");
    BraintrustSpanProcessorBuilder b = BraintrustSpanProcessor.builder(exporter);
    assertThatThrownBy(() -> b.destination(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("destination");
    assertThatThrownBy(() -> b.filter(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("filter");
    assertThatThrownBy(() -> b.shutdownTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("shutdownTimeout");
    assertThatThrownBy(() -> b.shutdownTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shutdownTimeout");
    assertThatThrownBy(() -> b.shutdownTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shutdownTimeout");
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("destination");

    // The rejected calls left the builder usable.
    BraintrustSpanProcessor p =
        b.destination(Destination.projectLogsByName("p"))
            .shutdownTimeout(Duration.ofMillis(1))
            .linkTracingCore(false)
            .build();
    assertThat(p).isNotNull();
  }

  @Test
  void exporterBuilderRejectsBadValuesNamingTheOption() {
    assertThatThrownBy(() -> BraintrustSpanExporter.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("exporter");
    BraintrustSpanExporterBuilder b = BraintrustSpanExporter.builder(exporter);
    assertThatThrownBy(() -> b.destination(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("destination");
    assertThatThrownBy(() -> b.filter(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("filter");
    assertThatThrownBy(() -> b.shutdownTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("shutdownTimeout");
    assertThatThrownBy(() -> b.shutdownTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shutdownTimeout");
    assertThatThrownBy(() -> b.shutdownTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shutdownTimeout");
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("destination");

    BraintrustSpanExporter e =
        b.destination(Destination.projectLogsByName("p"))
            .shutdownTimeout(Duration.ofMillis(1))
            .build();
    assertThat(e).isNotNull();
  }
}
