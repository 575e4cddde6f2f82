package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

/** Every exporter option refuses values that make no sense, naming the option. */
class ExporterBuilderTest {
  static Stream<Arguments> badOptions() {
    return Stream.of(
        bad("capacity", b -> b.capacity(0)),
        bad("maxBatchEvents", b -> b.maxBatchEvents(-1)),
        bad("maxBatchBytes", b -> b.maxBatchBytes(10)),
        bad("flushInterval", b -> b.flushInterval(Duration.ZERO)),
        bad("maxConcurrentRequests", b -> b.maxConcurrentRequests(0)),
        bad("shutdownTimeout", b -> b.shutdownTimeout(Duration.ofSeconds(-1))),
        bad("shutdownTimeout", b -> b.shutdownTimeout(Duration.ZERO)),
        bad("overflowPolicy", b -> b.overflowPolicy(null)),
        bad("scheduler", b -> b.scheduler(null)),
        bad("encodeScheduler", b -> b.encodeScheduler(null)),
        bad("meterRegistry", b -> b.meterRegistry(null)),
        bad("objectMapper", b -> b.objectMapper(null)),
        bad("capacityBytes", b -> b.capacityBytes(100)),
        bad("masker", b -> b.masker(null)),
        bad("mask", b -> b.mask(null)),
        bad("spool", b -> b.spool((java.nio.file.Path) null)),
        bad("spool", b -> b.spool((SpoolOptions) null)),
        bad("maxDiskBytes", b -> SpoolOptions.builder(Path.of("x")).maxDiskBytes(1024)),
        bad("segmentBytes", b -> SpoolOptions.builder(Path.of("x")).segmentBytes(10)),
        bad(
            "segmentBytes",
            b ->
                SpoolOptions.builder(Path.of("x"))
                    .maxDiskBytes(64 * 1024)
                    .segmentBytes(48 * 1024)
                    .build()),
        bad("fsync", b -> SpoolOptions.builder(Path.of("x")).fsync(null)),
        bad("interval", b -> FsyncPolicy.interval(Duration.ZERO)));
  }

  static Arguments bad(String option, Consumer<BraintrustExporterBuilder> set) {
    return Arguments.of(option, set);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badOptions")
  void refusesABadValueNamingTheOption(String option, Consumer<BraintrustExporterBuilder> set) {
    BraintrustExporterBuilder b = BraintrustExporter.builder((d, batch) -> Mono.empty());
    assertThatThrownBy(() -> set.accept(b))
        .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class)
        .hasMessageContaining(option);
  }

  @Test
  void aShutdownWithANegativeTimeoutIsRefused() {
    BraintrustExporter ex = BraintrustExporter.builder((d, batch) -> Mono.empty()).build();
    try {
      assertThatThrownBy(() -> ex.shutdown(Duration.ofMillis(-5)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("timeout");
    } finally {
      ex.close();
    }
  }
}
