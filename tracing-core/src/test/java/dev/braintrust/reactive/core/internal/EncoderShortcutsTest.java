package dev.braintrust.reactive.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The encoder's shortcuts for its own mapper (boxed scalars written directly, recurring field names
 * and module names serialised once) write the same bytes as the general path a caller's mapper
 * takes.
 */
class EncoderShortcutsTest {
  static String encoded(EventEncoder encoder, BraintrustEvent e) {
    return new String(encoder.encode(e).json(), StandardCharsets.UTF_8);
  }

  @Test
  void scalarsKeysAndModuleNamesAreWrittenAsTheGeneralPathWritesThem() {
    BraintrustEvent e =
        BraintrustEvent.builder(Destination.projectLogs("p"), "row-1")
            .span("00f067aa0ba902b7", "4bf92f3577b34da6a3ce929d0e0e4736", List.of())
            .spanAttributes("GET /a", "task")
            .instrumentation("io.opentelemetry.java-http-server")
            .metadata("http.response.status_code", 200L)
            .metadata("server.port", 8080)
            .metadata("http.ok", true)
            .metadata("retry.factor", 1.5)
            .metadata("quote\"d", "x")
            .metadata("back\\slash", "y")
            .metadata("caf\u00e9", "z")
            .metadata("tab\there", "w")
            .metadata("x".repeat(FieldNames.MAX_LENGTH + 1), "long")
            .build();
    EventEncoder own = new EventEncoder();
    EventEncoder general = new EventEncoder(EventEncoder.defaultMapper());

    // Twice: the second time the names come from the cache.
    for (int i = 0; i < 2; i++) {
      assertThat(encoded(own, e)).isEqualTo(encoded(general, e));
    }
    assertThat(encoded(own, e))
        .contains(
            "\"http.response.status_code\":200",
            "\"server.port\":8080",
            "\"http.ok\":true",
            "\"retry.factor\":1.5",
            "\"quote\\\"d\":\"x\"",
            "\"name\":\"io.opentelemetry.java-http-server\"");
  }
}
