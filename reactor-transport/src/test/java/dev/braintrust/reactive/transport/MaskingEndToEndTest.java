package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.Masker;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Masked values are what reaches the server; a failing masker leaves its marker, counted. */
class MaskingEndToEndTest {
  static final Pattern SSN = Pattern.compile("\\d{3}-\\d{2}-\\d{4}");

  @Test
  void maskedFieldsArriveMaskedAndAThrowingMaskerLeavesTheMarker() {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      String pid = server.createProject("masking");
      Destination dest = Destination.projectLogs(pid);
      BraintrustExporter exporter =
          BraintrustExporter.builder(
                  BraintrustClient.builder()
                      .apiKey(server.apiKey())
                      .baseUrl(server.baseUrl())
                      .build())
              .masker(
                  (field, value) -> {
                    if (field.equals("expected")) {
                      throw new IllegalArgumentException("cannot mask " + value);
                    }
                    return value instanceof String s ? SSN.matcher(s).replaceAll("<ssn>") : value;
                  })
              .build();
      exporter.accept(
          BraintrustEvent.builder(dest, "m1")
              .input("my ssn is 123-45-6789")
              .output("noted 123-45-6789")
              .expected("987-65-4321")
              .metadata("ssn", "123-45-6789")
              .metadata("model", "gpt")
              .build());
      exporter.accept(
          BraintrustEvent.builder(dest, "m2").input(Map.of("nested", "kept as is")).build());
      exporter.flush().block(Duration.ofSeconds(20));
      exporter.close();

      List<ObjectNode> rows = server.projectLogs(pid);
      assertThat(rows).hasSize(2);
      ObjectNode m1 =
          rows.stream().filter(r -> r.get("id").asText().equals("m1")).findFirst().orElseThrow();
      assertThat(m1.get("input").asText()).isEqualTo("my ssn is <ssn>");
      assertThat(m1.get("output").asText()).isEqualTo("noted <ssn>");
      assertThat(m1.get("expected").asText()).isEqualTo(Masker.FAILED);
      assertThat(m1.get("metadata").get("ssn").asText()).isEqualTo("<ssn>");
      assertThat(m1.get("metadata").get("model").asText()).isEqualTo("gpt");
      assertThat(rows.toString()).doesNotContain("123-45-6789", "987-65-4321");
      assertThat(
              exporter
                  .meterRegistry()
                  .get("braintrust.events.masking_failures")
                  .functionCounter()
                  .count())
          .isEqualTo(1.0);
      assertThat(exporter.stats().delivered()).isEqualTo(2);
    }
  }
}
