package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.core.internal.ParentReference;
import dev.braintrust.reactive.core.internal.RowBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What span rows look like on the wire, and which destinations are refused. */
class SpanRowRulesTest {
  static final ObjectMapper M = new ObjectMapper();
  final RecordingSink sink = new RecordingSink();
  final Tracer tracer = Tracer.create(sink, Destination.projectLogs("p"));
  final EventEncoder encoder = new EventEncoder();

  JsonNode json(BraintrustEvent e) throws Exception {
    return M.readTree(encoder.encode(e).json());
  }

  @Test
  void aRootRowLeavesSpanParentsOutAndAChildRowCarriesIt() throws Exception {
    Span root = tracer.startSpan("root", SpanType.TASK);
    Span child = root.startChild("child", SpanType.LLM);
    child.end();
    root.end();

    assertThat(json(sink.byName("root")).has("span_parents")).isFalse();
    assertThat(json(sink.byName("child")).get("span_parents").get(0).asText())
        .isEqualTo(root.spanId());
  }

  @Test
  void rowsWrittenOneAfterAnotherCarryTheIdsAndTimeTheirSpansReport() throws Exception {
    Span root = tracer.startSpan("root", SpanType.TASK);
    Span child = root.startChild("child", SpanType.LLM);
    Span remote =
        new ParentReference(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            Destination.projectLogs("p"),
            "remote caller") {
          @Override
          public Scope makeCurrent() {
            throw new UnsupportedOperationException();
          }
        };
    Span underRemote = tracer.startSpan("under-remote", SpanType.TASK, remote);
    underRemote.end();
    child.end();
    root.end();

    // One buffer for all rows, as a batch is encoded: each row must stand alone.
    RowBuffer buffer = new RowBuffer(64);
    List<int[]> bounds = new java.util.ArrayList<>();
    for (BraintrustEvent e : sink.events) {
      int start = buffer.length();
      assertThat(encoder.encodeTo(e, buffer)).isEmpty();
      bounds.add(new int[] {start, buffer.length() - start});
    }
    for (int i = 0; i < sink.events.size(); i++) {
      BraintrustEvent e = sink.events.get(i);
      JsonNode row = M.readTree(buffer.array(), bounds.get(i)[0], bounds.get(i)[1]);
      assertThat(row.get("id").asText()).isEqualTo(e.id()).matches(UUID_V4);
      assertThat(row.get("span_id").asText()).isEqualTo(e.spanId());
      assertThat(row.get("root_span_id").asText()).isEqualTo(e.rootSpanId());
      assertThat(row.get("created").asText()).isEqualTo(e.created());
      List<String> parents = new java.util.ArrayList<>();
      row.path("span_parents").forEach(p -> parents.add(p.asText()));
      assertThat(parents).isEqualTo(e.spanParents());
    }
    assertThat(sink.byName("child").spanParents()).containsExactly(root.spanId());
    assertThat(sink.byName("under-remote").rootSpanId())
        .isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(sink.byName("under-remote").spanParents()).containsExactly("b7ad6b7169203331");
  }

  static final String UUID_V4 =
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

  @Test
  void aLateMergeCarriesEveryTagTheSpanHasBecauseAMergeReplacesArrays() throws Exception {
    Span span = tracer.startSpan("s", SpanType.TASK);
    span.log(Log.builder().tag("t1").tag("t2").build());
    span.end();
    span.log(Log.builder().tag("t3").build());
    span.log(Log.builder().tag("t4").tag("t1").build());

    assertThat(sink.events).hasSize(3);
    JsonNode late = json(sink.events.get(1));
    assertThat(late.get("_is_merge").asBoolean()).isTrue();
    assertThat(late.get("tags")).extracting(JsonNode::asText).containsExactly("t1", "t2", "t3");
    assertThat(json(sink.events.get(2)).get("tags"))
        .extracting(JsonNode::asText)
        .containsExactly("t1", "t2", "t3", "t4");
  }

  @Test
  void destinationIdsWithControlCharactersAreRefusedNamingTheArgument() {
    assertThatThrownBy(() -> Destination.projectLogs("abc\r\nHost: evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("projectId must not contain control characters");
    assertThatThrownBy(() -> Destination.experimentByName("p", "x\u0000"))
        .hasMessage("experimentName must not contain control characters");
    assertThatThrownBy(() -> Destination.dataset("d".repeat(2_000)))
        .hasMessageStartingWith("datasetId must be at most 1024 characters");
    // Slashes and query characters are legal in ids: the transport encodes them as one segment.
    assertThat(Destination.projectLogs("team a/../x?y=1").id()).isEqualTo("team a/../x?y=1");
  }

  @Test
  void aLateLogWithoutTagsDoesNotRestateThem() throws Exception {
    Span span = tracer.startSpan("s", SpanType.TASK);
    span.log(Log.builder().tag("t1").build());
    span.end();
    span.log(Log.builder().output("late").build());
    assertThat(json(sink.events.get(1)).has("tags")).isFalse();
    assertThat(List.of(json(sink.events.get(0)).get("tags").get(0).asText())).containsExactly("t1");
  }
}
