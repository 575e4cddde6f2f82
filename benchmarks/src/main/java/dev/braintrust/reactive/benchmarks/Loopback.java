package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.InsertResult;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * What the client-wrapper benchmarks share: a loopback server answering every request with one
 * canned JSON body, and an exporter whose transport acknowledges every batch at once, so a wrapped
 * call's cost is the wrapper's and its tracing, not a network's.
 */
final class Loopback {
  private Loopback() {}

  /** A server on a free loopback port answering 200 with {@code body} as JSON. */
  static DisposableServer replying(byte[] body) {
    return HttpServer.create()
        .host("127.0.0.1")
        .port(0)
        .handle(
            (req, res) ->
                req.receive()
                    .then(
                        res.status(200)
                            .header("content-type", "application/json")
                            .sendByteArray(Mono.just(body))
                            .then()))
        .bindNow();
  }

  /** An exporter that acknowledges every batch without sending it. */
  static BraintrustExporter ackingExporter() {
    return ackingExporter(10_000);
  }

  /**
   * The same holding up to {@code capacity} spans: a stub's block of calls is far faster than the
   * encoder, and the caller must never wait for room between flushes.
   */
  static BraintrustExporter ackingExporter(int capacity) {
    return BraintrustExporter.builder(
            (d, b) -> Mono.just(InsertResult.of(b.size(), b.bodyBytes(), 0, 1, 0)))
        .capacity(capacity)
        .build();
  }
}
