package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A 400 on a batch is narrowed down to the rows the server refuses; the rest is delivered. */
@ExtendWith(BraintrustTestServerExtension.class)
class RowIsolationTest {
  static final Duration T = Duration.ofSeconds(10);
  static final String SCORE_ERROR = "events[0].scores.acc must be a number between 0 and 1 or null";

  /** Rows r0..r(n-1), pre-encoded; those in {@code bad} carry a score the server refuses. */
  static EncodedBatch rows(int n, Set<Integer> bad) {
    List<byte[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double score = bad.contains(i) ? 1.5 : 0.5;
      rows.add(
          ("{\"id\":\"r" + i + "\",\"input\":" + i + ",\"scores\":{\"acc\":" + score + "}}")
              .getBytes(StandardCharsets.UTF_8));
    }
    return EncodedBatch.of(rows);
  }

  static BraintrustClient client(BraintrustTestServer server) {
    return BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
  }

  static Set<String> ids(IntStream range, Set<Integer> except) {
    return range
        .filter(i -> !except.contains(i))
        .mapToObj(i -> "r" + i)
        .collect(Collectors.toSet());
  }

  @Test
  void oneBadRowAmongSixteenIsRejectedAloneAndTheOtherFifteenArrive(BraintrustTestServer server) {
    String pid = server.createProject("isolate");
    BraintrustClient client = client(server);

    InsertResult r = client.insert(Destination.projectLogs(pid), rows(16, Set.of(11))).block(T);

    assertThat(r.rejected()).containsExactly(new InsertResult.Rejected(11, SCORE_ERROR));
    assertThat(r.rows()).isEqualTo(15);
    assertThat(server.rowIds("project_logs", pid))
        .isEqualTo(ids(IntStream.range(0, 16), Set.of(11)));
    // Halving towards row 11: 16 rows, then 8+8, 4+4, 2+2, 1+1. Four levels, two requests each.
    assertThat(server.requests("/insert"))
        .extracting(RecordedRequest::status)
        .containsExactly(400, 200, 400, 400, 200, 400, 200, 400, 200);
    assertThat(r.requests()).isEqualTo(9);
    client.close();
  }

  @Test
  void rejectedIndexesCountFromTheBatchGivenToInsertEvenWhenThatIsAHalf(
      BraintrustTestServer server) {
    String pid = server.createProject("offsets");
    BraintrustClient client = client(server);
    // The second half of a 20-row batch: its rows 3 and 6 are rows 13 and 16 of the whole.
    EncodedBatch half = rows(20, Set.of(13, 16)).halves().get(1);

    InsertResult r = client.insert(Destination.projectLogs(pid), half).block(T);

    assertThat(r.rejected()).extracting(InsertResult.Rejected::index).containsExactly(3, 6);
    assertThat(r.rows()).isEqualTo(8);
    assertThat(server.rowIds("project_logs", pid))
        .isEqualTo(ids(IntStream.range(10, 20), Set.of(13, 16)));
    client.close();
  }

  @Test
  void aBatchOfOnlyBadRowsDeliversNothingAndListsEveryRow(BraintrustTestServer server) {
    String pid = server.createProject("all-bad");
    BraintrustClient client = client(server);

    InsertResult r =
        client.insert(Destination.projectLogs(pid), rows(5, Set.of(0, 1, 2, 3, 4))).block(T);

    assertThat(r.rows()).isZero();
    assertThat(r.rejected())
        .extracting(InsertResult.Rejected::index)
        .containsExactly(0, 1, 2, 3, 4);
    assertThat(r.rejected()).extracting(InsertResult.Rejected::reason).containsOnly(SCORE_ERROR);
    // Every split of n rows costs one request per node of the halving tree: 2n - 1.
    assertThat(server.requests("/insert")).hasSize(9);
    assertThat(server.rowIds("project_logs", pid)).isEmpty();
    client.close();
  }
}
