package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.internal.SpoolFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Shared pieces of the spool tests: transports, events, and reading segment files directly. */
final class SpoolFixture {
  static final Destination DEST = Destination.projectLogs("p");

  private SpoolFixture() {}

  static BraintrustEvent event(String id) {
    return BraintrustEvent.builder(DEST, id).input("payload of " + id + " ".repeat(200)).build();
  }

  /** A transport acknowledging everything, recording the ids it was sent. */
  static final class Acking implements Transport {
    final List<String> ids = new CopyOnWriteArrayList<>();

    @Override
    public Mono<InsertResult> insertOnce(Destination d, EncodedBatch b) {
      for (byte[] row : b.rows()) {
        ids.add(idOf(row));
      }
      return Mono.just(InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0));
    }
  }

  /** A transport that never answers: everything stays in flight. */
  static final Transport NEVER = (d, b) -> Mono.never();

  static String idOf(byte[] row) {
    String s = new String(row, StandardCharsets.UTF_8);
    int i = s.indexOf("\"id\":\"") + 6;
    return s.substring(i, s.indexOf('"', i));
  }

  /** Shuts the exporter down with a deadline that passes at once (in virtual time). */
  static void shutdownPastDeadline(BraintrustExporter ex, VirtualTimeScheduler vts)
      throws Exception {
    CompletableFuture<Void> done = ex.shutdown(Duration.ofSeconds(1)).toFuture();
    vts.advanceTimeBy(Duration.ofSeconds(1));
    done.get(20, TimeUnit.SECONDS);
  }

  static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> SpoolFormat.segmentId(f.getFileName().toString()) >= 0)
          .sorted()
          .toList();
    }
  }

  /** A record found in a segment file: where it starts, its payload's length, and its row id. */
  record Found(long offset, int length, String id) {}

  static List<Found> records(Path segment) throws IOException {
    byte[] all = Files.readAllBytes(segment);
    ByteBuffer b = ByteBuffer.wrap(all);
    List<Found> out = new ArrayList<>();
    int at = SpoolFormat.SEGMENT_HEADER;
    while (at + SpoolFormat.RECORD_HEADER <= all.length) {
      int len = b.getInt(at);
      byte[] payload = java.util.Arrays.copyOfRange(all, at + 8, at + 8 + len);
      SpoolFormat.Decoded d = SpoolFormat.decode(payload);
      out.add(
          new Found(
              at,
              len,
              idOf(
                  java.util.Arrays.copyOfRange(
                      payload, d.rowOffset(), d.rowOffset() + d.rowLength()))));
      at += 8 + len;
    }
    return out;
  }
}
