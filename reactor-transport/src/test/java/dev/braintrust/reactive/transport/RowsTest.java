package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.model.FetchedEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Direct row writes through {@link Rows}: merges with merge paths, deletes, children by id. */
@ExtendWith(BraintrustTestServerExtension.class)
class RowsTest {
  static final Duration T = Duration.ofSeconds(10);

  @Test
  void mergePathsReplaceWhatTheyNameAndMergeTheRest(BraintrustTestServer server) {
    BraintrustClient client = ApiCallsTest.client(server);
    Rows rows = client.rows(Destination.projectLogs(server.createProject("merge")));
    rows.insert(
            List.of(
                Map.of(
                    "id", "r1",
                    "metadata", Map.of("a", 1, "nested", Map.of("x", 1, "y", 2)),
                    "input", "q")))
        .block(T);

    rows.merge(
            "r1",
            Map.of("metadata", Map.of("b", 2, "nested", Map.of("z", 3))),
            List.of(List.of("metadata", "nested")))
        .block(T);

    FetchedEvent row = rows.fetch().blockFirst(T);
    assertThat(row.input().asText()).isEqualTo("q");
    assertThat(row.metadata().get("a").asInt()).isEqualTo(1);
    assertThat(row.metadata().get("b").asInt()).isEqualTo(2);
    // Replaced whole at the merge path, not merged into.
    assertThat(row.metadata().get("nested").toString()).isEqualTo("{\"z\":3}");
  }

  @Test
  void deletedRowsAreGoneAndChildrenJoinTheirParentsTrace(BraintrustTestServer server) {
    BraintrustClient client = ApiCallsTest.client(server);
    Rows rows = client.rows(Destination.projectLogs(server.createProject("delete")));
    rows.insert(
            List.of(
                Map.of("id", "keep", "span_id", "s-keep", "root_span_id", "s-keep"),
                Map.of("id", "drop1"),
                Map.of("id", "drop2")))
        .block(T);

    assertThat(rows.delete(List.of("drop1", "drop2")).block(T).rowIds())
        .containsExactly("drop1", "drop2");
    assertThat(rows.insertChild("keep", Map.of("id", "child", "input", "sub")).block(T).rowIds())
        .containsExactly("child");

    Map<String, FetchedEvent> byId =
        rows.fetch().collectList().block(T).stream()
            .collect(Collectors.toMap(FetchedEvent::id, e -> e));
    assertThat(byId).containsOnlyKeys("keep", "child");
    assertThat(byId.get("child").rootSpanId()).isEqualTo("s-keep");
    assertThat(byId.get("child").spanParents()).containsExactly("s-keep");
  }

  @Test
  void badRowInputFailsBeforeSending(BraintrustTestServer server) {
    BraintrustClient client = ApiCallsTest.client(server);
    Rows rows = client.rows(Destination.projectLogs(server.createProject("bad-rows")));
    assertThatThrownBy(() -> rows.insert(List.of()).block(T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("insert needs at least one event");
    assertThatThrownBy(() -> rows.insertChild("no-such-parent", Map.of("id", "c")).block(T))
        .isInstanceOf(BraintrustApiException.class)
        .hasMessageContaining("status 400");
    assertThat(server.requests("/insert")).hasSize(1);
  }
}
