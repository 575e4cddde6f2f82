package dev.braintrust.reactive.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.BraintrustEventBuilder;
import dev.braintrust.reactive.core.Destination;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventEncoderTest {
  static final ObjectMapper M = new ObjectMapper();
  final EventEncoder encoder = new EventEncoder();

  static BraintrustEventBuilder event() {
    return BraintrustEvent.builder(Destination.projectLogs("p"), "id-1")
        .span("s1", "r1", List.of("p1"))
        .spanAttributes("n", "llm")
        .created("2026-01-01T00:00:00Z");
  }

  JsonNode json(EventEncoder.Encoded e) throws Exception {
    return M.readTree(e.json());
  }

  public static final class Node {
    public Node next;
  }

  public static final class Throwing {
    public String getValue() {
      throw new IllegalStateException("getter exploded");
    }
  }

  @Test
  void writesTheInsertEventShape() throws Exception {
    JsonNode row =
        json(
            encoder.encode(
                event()
                    .input(Map.of("q", 1))
                    .output("o")
                    .expected("e")
                    .score("s", 0.5)
                    .score("unscored", null)
                    .metadata("m", List.of(1, 2))
                    .metric("tokens", 3)
                    .tag("t")
                    .build()));

    assertThat(row.get("id").asText()).isEqualTo("id-1");
    assertThat(row.get("span_id").asText()).isEqualTo("s1");
    assertThat(row.get("root_span_id").asText()).isEqualTo("r1");
    assertThat(row.get("span_parents").get(0).asText()).isEqualTo("p1");
    assertThat(row.get("span_attributes").get("type").asText()).isEqualTo("llm");
    assertThat(row.get("input").get("q").asInt()).isEqualTo(1);
    assertThat(row.get("scores").get("s").asDouble()).isEqualTo(0.5);
    assertThat(row.get("scores").get("unscored").isNull()).isTrue();
    assertThat(row.get("metrics").get("tokens").isIntegralNumber()).isTrue();
    assertThat(row.get("tags").get(0).asText()).isEqualTo("t");
    assertThat(row.has("_is_merge")).isFalse();
  }

  @Test
  void aSelfReferencingBeanIsReplacedByAClearErrorAndTheRestIsKept() throws Exception {
    Node n = new Node();
    n.next = n;
    EventEncoder.Encoded e =
        encoder.encode(event().input(n).output("kept").metadata("ok", 1).build());

    String expected =
        "input could not be serialised: InvalidDefinitionException: Direct self-reference "
            + "leading to cycle (through reference chain: "
            + "dev.braintrust.reactive.core.internal.EventEncoderTest$Node[\"next\"])";
    assertThat(e.errors()).containsExactly(expected);
    JsonNode row = json(e);
    assertThat(row.get("input").asText()).isEqualTo("[" + expected + "]");
    assertThat(row.get("output").asText()).isEqualTo("kept");
    assertThat(row.get("metadata").get("ok").asInt()).isEqualTo(1);
    assertThat(row.get("metadata").get("serialization_errors").get(0).asText()).isEqualTo(expected);
  }

  @Test
  void aCyclicMapGetsAClearErrorInsteadOfAStackOverflow() throws Exception {
    Map<String, Object> m = new HashMap<>();
    m.put("self", m);
    EventEncoder.Encoded e = encoder.encode(event().output(m).build());

    assertThat(e.errors())
        .containsExactly(
            "output could not be serialised: value is nested too deeply to write, probably a cycle");
    assertThat(json(e).get("span_id").asText()).isEqualTo("s1");
  }

  @Test
  void aThrowingGetterInMetadataLosesOnlyThatEntry() throws Exception {
    EventEncoder.Encoded e =
        encoder.encode(event().metadata("bad", new Throwing()).metadata("good", "yes").build());

    assertThat(e.errors())
        .containsExactly(
            "metadata.bad could not be serialised: IllegalStateException: getter exploded");
    JsonNode md = json(e).get("metadata");
    assertThat(md.get("good").asText()).isEqualTo("yes");
    assertThat(md.get("bad").asText())
        .isEqualTo(
            "[metadata.bad could not be serialised: IllegalStateException: getter exploded]");
  }

  @Test
  void aRowThatFailsHalfWrittenLeavesTheRowsAroundItInOneBufferIntact() throws Exception {
    RowBuffer buffer = new RowBuffer(64);
    String big = "x".repeat(20_000); // past the generator's own buffer, so part of it is flushed
    BraintrustEvent before = event().input(big).build();
    BraintrustEvent bad =
        BraintrustEvent.builder(Destination.projectLogs("p"), "bad")
            .input(big)
            .metadata("boom", new Throwing())
            .build();
    BraintrustEvent after = event().output("fine").build();

    int[] starts = new int[4];
    assertThat(encoder.encodeTo(before, buffer)).isEmpty();
    starts[1] = buffer.length();
    assertThat(encoder.encodeTo(bad, buffer)).singleElement().asString().contains("boom");
    starts[2] = buffer.length();
    assertThat(encoder.encodeTo(after, buffer)).isEmpty();
    starts[3] = buffer.length();

    JsonNode first = M.readTree(buffer.array(), 0, starts[1]);
    JsonNode second = M.readTree(buffer.array(), starts[1], starts[2] - starts[1]);
    JsonNode third = M.readTree(buffer.array(), starts[2], starts[3] - starts[2]);
    assertThat(first.get("input").asText()).isEqualTo(big);
    assertThat(second.get("id").asText()).isEqualTo("bad");
    assertThat(second.get("input").asText()).isEqualTo(big);
    assertThat(second.at("/metadata/boom").asText()).contains("getter exploded");
    assertThat(third.get("output").asText()).isEqualTo("fine");
    assertThat(third.has("input")).isFalse();
  }

  @Test
  void spanTimesAreWrittenAsSecondsWithMicroseconds() throws Exception {
    RowBuffer buffer = new RowBuffer(64);
    double[][] cases = {
      {1795789024.50835, 1795789024.509995}, {0.5, 7}, {99_999_999_999.0, 1e12}, {-1.25, 0}
    };
    String[][] expected = {
      {"1795789024.508350", "1795789024.509995"},
      {"0.500000", "7.000000"},
      {"99999999999.000000", "1.0E12"},
      {"-1.25", "0.000000"}
    };
    for (int i = 0; i < cases.length; i++) {
      int start = buffer.length();
      encoder.encodeTo(
          BraintrustEvent.builder(Destination.projectLogs("p"), "t" + i)
              .metric("start", cases[i][0])
              .metric("end", cases[i][1])
              .build(),
          buffer);
      String row = new String(buffer.array(), start, buffer.length() - start, "UTF-8");
      assertThat(row)
          .contains(
              "\"metrics\":{\"start\":" + expected[i][0] + ",\"end\":" + expected[i][1] + "}");
      assertThat(M.readTree(row).at("/metrics/start").asDouble()).isEqualTo(cases[i][0]);
    }
  }

  @Test
  void nonFiniteNumbersInsideUserValuesBecomeStringsSoTheJsonStaysValid() throws Exception {
    EventEncoder.Encoded e =
        encoder.encode(
            event().input(Map.of("x", Double.NaN, "y", Double.NEGATIVE_INFINITY)).build());
    JsonNode row = json(e);
    assertThat(e.errors()).isEmpty();
    assertThat(row.get("input").get("x").asText()).isEqualTo("NaN");
    assertThat(row.get("input").get("y").asText()).isEqualTo("-Infinity");
  }

  @Test
  void hugeAndUnusualStringsRoundTripExactly() throws Exception {
    String huge = "x".repeat(10 * 1024 * 1024);
    String odd = "emoji \uD83D\uDE00, nul \u0000, rtl \u202E, lone surrogate kept as escaped";
    EventEncoder.Encoded e = encoder.encode(event().input(huge).output(odd).build());
    JsonNode row = json(e);
    assertThat(row.get("input").asText()).hasSize(huge.length());
    assertThat(row.get("output").asText()).isEqualTo(odd);
    assertThat(e.json().length).isGreaterThan(10 * 1024 * 1024);
  }

  @Test
  void javaTimeValuesAreWrittenAsIsoStrings() throws Exception {
    Instant t = Instant.parse("2026-11-24T10:15:30Z");
    JsonNode row = json(encoder.encode(event().metadata("at", t).build()));
    assertThat(row.get("metadata").get("at").asText()).isEqualTo("2026-11-24T10:15:30Z");
  }

  @Test
  void mergeRowsCarryTheFlagAndNoParents() throws Exception {
    JsonNode row =
        json(
            encoder.encode(
                BraintrustEvent.builder(Destination.projectLogs("p"), "id-1")
                    .merge(true)
                    .span("s1", "r1", List.of("p1"))
                    .score("late", 1.0)
                    .build()));
    assertThat(row.get("_is_merge").asBoolean()).isTrue();
    assertThat(row.has("span_parents")).isFalse();
    assertThat(row.get("scores").get("late").asDouble()).isEqualTo(1.0);
  }
}
