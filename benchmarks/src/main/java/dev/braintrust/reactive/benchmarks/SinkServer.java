package dev.braintrust.reactive.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A loopback HTTP sink shared by both libraries: reads each body, counts bytes and requests, and
 * answers 200, optionally after a delay. Both sides pay the same (no parsing), so the numbers
 * compare the clients.
 */
final class SinkServer implements AutoCloseable {
  final AtomicLong requests = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  private final DisposableServer server;

  SinkServer(Duration delay) {
    this(delay, null);
  }

  /**
   * A sink on {@code loops} when given: a Spring application closed meanwhile disposes Reactor
   * Netty's shared loops, which would take a sink on them down too.
   */
  SinkServer(Duration delay, @Nullable LoopResources loops) {
    HttpServer http = HttpServer.create().host("127.0.0.1").port(0);
    if (loops != null) {
      http = http.runOn(loops);
    }
    server =
        http.handle(
                (req, res) ->
                    req.receive()
                        .aggregate()
                        .asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .flatMap(
                            b -> {
                              requests.incrementAndGet();
                              bytes.addAndGet(b.length);
                              Mono<Void> wait =
                                  delay.isZero() ? Mono.empty() : Mono.delay(delay).then();
                              String body =
                                  req.uri().startsWith("/v1/project")
                                          && !req.uri().contains("/insert")
                                      ? "{\"id\":\"00000000-0000-4000-8000-000000000000\",\"name\":\"bench\"}"
                                      // The client counts an insert as delivered only with an
                                      // insert response.
                                      : "{\"row_ids\":[]}";
                              boolean otlp = req.uri().startsWith("/v1/traces");
                              return wait.then(
                                  res.status(200)
                                      .header(
                                          "content-type",
                                          otlp ? "application/x-protobuf" : "application/json")
                                      .sendByteArray(
                                          Mono.just(
                                              otlp
                                                  ? new byte[0]
                                                  : body.getBytes(StandardCharsets.UTF_8)))
                                      .then());
                            }))
            .bindNow();
  }

  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  void reset() {
    requests.set(0);
    bytes.set(0);
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
  }
}
