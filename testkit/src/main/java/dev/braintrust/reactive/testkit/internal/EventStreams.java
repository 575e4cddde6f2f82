package dev.braintrust.reactive.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Sends Server-Sent Events and counts how streams ended. Tests set the pause from their thread
 * while event loops send, so the pause is volatile and the counts atomic.
 */
public final class EventStreams {
  private volatile Duration pause = Duration.ZERO;
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger aborted = new AtomicInteger();

  /** Pause between events (default none). */
  public void pause(Duration pause) {
    this.pause = Objects.requireNonNull(pause);
  }

  /** Streams sent to the end. */
  public int completed() {
    return completed.get();
  }

  /** Streams cut short because the client went away. */
  public int aborted() {
    return aborted.get();
  }

  /** Zeroes the counts and the pause. */
  public void reset() {
    completed.set(0);
    aborted.set(0);
    pause = Duration.ZERO;
  }

  /** Sends {@code events} as an event stream on an already-started response. */
  public Mono<Void> send(HttpServerResponse res, List<Reply.Event> events) {
    res.header("content-type", "text/event-stream");
    res.header("cache-control", "no-cache");
    Duration wait = pause;
    // One write per event, each cut in two, so clients must reassemble events across packets.
    Flux<String> parts =
        Flux.fromIterable(events)
            .map(
                e ->
                    (e.name() == null ? "" : "event: " + e.name() + "\n")
                        + "data: "
                        + e.data()
                        + "\n\n")
            .concatMap(
                e -> {
                  int mid = e.length() / 2;
                  Flux<String> halves = Flux.just(e.substring(0, mid), e.substring(mid));
                  return wait.isZero() ? halves : halves.delayElements(wait);
                });
    // Judged on the parts themselves: Netty completes the send quietly when the peer leaves.
    Flux<String> watched =
        parts.doOnComplete(completed::incrementAndGet).doOnCancel(aborted::incrementAndGet);
    return res.sendString(watched, StandardCharsets.UTF_8).then();
  }

  /**
   * Sends binary messages (the content type is the reply's) with the same pause and counts; each
   * message is cut in two writes, so clients must reassemble messages across packets.
   */
  public Mono<Void> sendFrames(HttpServerResponse res, List<byte[]> frames) {
    Duration wait = pause;
    Flux<byte[]> parts =
        Flux.fromIterable(frames)
            .concatMap(
                f -> {
                  int mid = f.length / 2;
                  Flux<byte[]> halves =
                      Flux.just(
                          Arrays.copyOfRange(f, 0, mid), Arrays.copyOfRange(f, mid, f.length));
                  return wait.isZero() ? halves : halves.delayElements(wait);
                });
    Flux<byte[]> watched =
        parts.doOnComplete(completed::incrementAndGet).doOnCancel(aborted::incrementAndGet);
    return res.sendByteArray(watched).then();
  }
}
