package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.internal.EventMasking;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Masking at enqueue: every user value goes through the masker, and its failures are contained. */
class MaskingTest {
  static final Destination DEST = Destination.projectLogs("p");
  static final ObjectMapper JSON = new ObjectMapper();
  final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  final List<EncodedBatch> sent = new CopyOnWriteArrayList<>();
  final Transport acking =
      (d, b) -> {
        sent.add(b);
        return Mono.just(InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0));
      };

  @AfterEach
  void dispose() {
    vts.dispose();
  }

  List<JsonNode> rows() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (EncodedBatch b : sent) {
      for (byte[] r : b.rows()) {
        out.add(JSON.readTree(r));
      }
    }
    return out;
  }

  static Object redact(Object v) {
    return v instanceof String s ? s.replaceAll("sk-[a-z0-9]+", "<key>") : v;
  }

  @Test
  void inputOutputExpectedAndEachMetadataValueAreMaskedBeforeBuffering() throws Exception {
    List<String> fields = new CopyOnWriteArrayList<>();
    BraintrustExporter ex =
        BraintrustExporter.builder(acking)
            .scheduler(vts)
            .masker(
                (field, value) -> {
                  fields.add(field);
                  return redact(value);
                })
            .build();
    ex.accept(
        BraintrustEvent.builder(DEST, "row-1")
            .span("s1", "t1", List.of("parent"))
            .spanAttributes("llm", "llm")
            .input("use sk-abc123")
            .output("ok sk-def456")
            .expected("sk-zzz")
            .error("sk-err stays: errors are not masked")
            .metadata("key", "sk-meta")
            .metadata("n", 3)
            .metric("tokens", 7)
            .score("q", 0.5)
            .tag("t")
            .build());
    StepVerifier.create(ex.flush()).verifyComplete();

    JsonNode row = rows().get(0);
    assertThat(row.get("input").asText()).isEqualTo("use <key>");
    assertThat(row.get("output").asText()).isEqualTo("ok <key>");
    assertThat(row.get("expected").asText()).isEqualTo("<key>");
    assertThat(row.get("metadata").get("key").asText()).isEqualTo("<key>");
    assertThat(row.get("metadata").get("n").asInt()).isEqualTo(3);
    // Everything else is kept as it was.
    assertThat(row.get("error").asText()).startsWith("sk-err");
    assertThat(row.get("id").asText()).isEqualTo("row-1");
    assertThat(row.get("span_id").asText()).isEqualTo("s1");
    assertThat(row.get("span_parents").get(0).asText()).isEqualTo("parent");
    assertThat(row.get("metrics").get("tokens").asInt()).isEqualTo(7);
    assertThat(row.get("scores").get("q").asDouble()).isEqualTo(0.5);
    assertThat(fields).containsExactly("input", "output", "expected", "metadata.key", "metadata.n");
  }

  @Test
  void aThrowingMaskerLeavesTheMarkerCountsAndNeverThrows() throws Exception {
    BraintrustExporter ex =
        BraintrustExporter.builder(acking)
            .scheduler(vts)
            .masker(
                (field, value) -> {
                  if (field.equals("output") || field.equals("metadata.pii")) {
                    throw new IllegalStateException("masker bug on " + value);
                  }
                  return value;
                })
            .build();
    ex.accept(
        BraintrustEvent.builder(DEST, "r")
            .input("in")
            .output("secret output")
            .metadata("pii", "jane@example.com")
            .build());
    StepVerifier.create(ex.flush()).verifyComplete();

    JsonNode row = rows().get(0);
    assertThat(row.get("input").asText()).isEqualTo("in");
    assertThat(row.get("output").asText()).isEqualTo(Masker.FAILED);
    assertThat(row.get("metadata").get("pii").asText()).isEqualTo(Masker.FAILED);
    assertThat(row.toString()).doesNotContain("secret output", "jane@example.com");
    assertThat(
            ex.meterRegistry().get("braintrust.events.masking_failures").functionCounter().count())
        .isEqualTo(2.0);
    assertThat(ex.stats().delivered()).isEqualTo(1);
  }

  @Test
  void theFunctionFormAppliesToEveryValueAndNullsAreLeftAlone() throws Exception {
    BraintrustExporter ex =
        BraintrustExporter.builder(acking)
            .scheduler(vts)
            .mask(v -> v instanceof Map ? Map.of("masked", true) : "***")
            .build();
    ex.accept(
        BraintrustEvent.builder(DEST, "r")
            .input(Map.of("password", "hunter2"))
            .output(null)
            .metadata("user", "jane")
            .build());
    StepVerifier.create(ex.flush()).verifyComplete();

    JsonNode row = rows().get(0);
    assertThat(row.get("input").get("masked").asBoolean()).isTrue();
    assertThat(row.get("output").isNull()).isTrue();
    assertThat(row.get("metadata").get("user").asText()).isEqualTo("***");
  }

  @Test
  void anEventTheMaskerLeavesUnchangedIsNotCopied() {
    EventMasking masking = new EventMasking((f, v) -> v, (f, t) -> {});
    BraintrustEvent e = BraintrustEvent.builder(DEST, "r").input("a").metadata("k", 1).build();
    assertThat(masking.apply(e)).isSameAs(e);
  }
}
