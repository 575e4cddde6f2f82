package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.internal.EventEncoder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Chunking: every chunk fits the request limit, rows keep their order and weights, oversize is
 * counted.
 */
class BatchEncoderTest {
  static final Destination DEST = Destination.projectLogs("p");
  final ExporterMetrics metrics =
      new ExporterMetrics(new SimpleMeterRegistry(), new AtomicInteger());

  static PendingBatch batch(List<BraintrustEvent> events, int... weights) {
    int[] w = new int[Math.max(16, events.size())];
    for (int i = 0; i < events.size(); i++) {
      w[i] = i < weights.length ? weights[i] : 1;
    }
    List<QueueItem.Entry> entries = new ArrayList<>();
    for (BraintrustEvent e : events) {
      entries.add(new QueueItem.Event(e, 0));
    }
    return new PendingBatch(DEST, entries, w, 0);
  }

  static BraintrustEvent event(String id, int payloadChars) {
    return BraintrustEvent.builder(DEST, id).input("x".repeat(payloadChars)).build();
  }

  List<BatchEncoder.Chunk> chunks(BatchEncoder encoder, PendingBatch batch) {
    List<BatchEncoder.Chunk> out = new ArrayList<>();
    BatchEncoder.Cursor cursor = encoder.cursor(batch);
    for (BatchEncoder.Chunk c = cursor.next(); c != null; c = cursor.next()) {
      out.add(c);
    }
    return out;
  }

  @Test
  void everyChunkFitsTheLimitAndCarriesItsRowsWeights() {
    List<BraintrustEvent> events = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      events.add(event("e" + i, 100));
    }
    BatchEncoder encoder = new BatchEncoder(new EventEncoder(), 600, metrics);
    List<BatchEncoder.Chunk> chunks = chunks(encoder, batch(events, 3, 1, 2));

    assertThat(chunks)
        .hasSizeGreaterThan(1)
        .allSatisfy(c -> assertThat(c.batch().bodyBytes()).isLessThanOrEqualTo(600));
    assertThat(chunks.stream().mapToInt(c -> c.batch().size()).sum()).isEqualTo(20);
    assertThat(chunks.stream().mapToInt(BatchEncoder.Chunk::weight).sum()).isEqualTo(20 + 2 + 1);
    assertThat(chunks.get(0).rowWeights()).startsWith(3, 1, 2);
  }

  @Test
  void anEventLargerThanOneRequestIsDroppedAsOversizedAndTheRestGoesOn() {
    PendingBatch batch =
        batch(List.of(event("small-1", 10), event("huge", 5_000), event("small-2", 10)));
    List<BatchEncoder.Chunk> chunks =
        chunks(new BatchEncoder(new EventEncoder(), 1_000, metrics), batch);

    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).batch().size()).isEqualTo(2);
    assertThat(batch.droppedInEncoding).isEqualTo(1);
    assertThat(metrics.stats().dropped(DropReason.OVERSIZED)).isEqualTo(1);
  }

  @Test
  void refusedRowsAreWeighedByTheEventsTheyCarry() {
    BatchEncoder.Chunk chunk =
        chunks(
                new BatchEncoder(new EventEncoder(), 10_000, metrics),
                batch(List.of(event("a", 1), event("b", 1), event("c", 1)), 1, 4, 1))
            .get(0);
    assertThat(chunk.weightOf(List.of(new InsertResult.Rejected(1, "bad")))).isEqualTo(4);
    assertThat(
            chunk.weightOf(
                List.of(new InsertResult.Rejected(0, "x"), new InsertResult.Rejected(2, "y"))))
        .isEqualTo(2);
  }

  @Test
  void aRequestSizedChunkIsHeldInSegmentsNotOneHumongousArrayAndItsBodyIsTheRowsInOrder()
      throws Exception {
    List<BraintrustEvent> events = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      events.add(event("e" + i, 1_500 + i % 7));
    }
    // One large row among them gets an array of its own.
    events.add(event("big", 200_000));
    BatchEncoder encoder = new BatchEncoder(new EventEncoder(), 8L << 20, metrics);

    List<BatchEncoder.Chunk> chunks = chunks(encoder, batch(events));

    assertThat(chunks).hasSize(1);
    EncodedBatch b = chunks.get(0).batch();
    assertThat(b.bodyBytes()).isGreaterThan(1L << 20);
    assertThat(b.largestArray()).isBetween(200_000, 210_000);
    assertThat(b.halves().get(0).largestArray()).isEqualTo(BatchEncoder.SEGMENT);
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    expected.write("{\"events\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    EventEncoder plain = new EventEncoder();
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        expected.write(',');
      }
      // Same ids, same content: only the row's own bytes, which the encoder writes the same way.
      expected.write(plain.encode(events.get(i)).json());
    }
    expected.write("]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(b.body()).isEqualTo(expected.toByteArray());
    assertThat(b.rows()).hasSize(1_001);
  }
}
