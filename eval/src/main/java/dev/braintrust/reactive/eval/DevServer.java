package dev.braintrust.reactive.eval;

import java.time.Duration;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The remote-eval dev server the Braintrust Playground calls, on Reactor Netty, speaking the
 * protocol of the spec's {@code remote-evals}: {@code GET|POST /list} names the evaluators with
 * their scorers and parameter schemas; {@code POST /eval} runs one on inline cases or a dataset
 * with the Playground's parameters and streams its progress as server-sent events ({@code progress}
 * per case, then {@code summary} and {@code done}, or {@code error}). Callers are authenticated by
 * their own Braintrust API key ({@code x-bt-auth-token} or {@code Authorization: Bearer}) and, when
 * they send {@code x-bt-org-name}, its organization; runs write with that key.
 *
 * <pre>{@code
 * try (DevServer server = DevServer.builder().evaluator(greeter).start()) {
 *   server.onDispose().block();
 * }
 * }</pre>
 */
public final class DevServer implements AutoCloseable {
  private final DisposableServer server;
  private final DevServerRoutes routes;

  DevServer(DevServerBuilder b) {
    this.routes = new DevServerRoutes(b);
    this.server =
        HttpServer.create()
            .host(b.host)
            .port(b.port)
            .route(routes::register)
            .bindNow(Duration.ofSeconds(30));
  }

  /** A builder of dev servers. */
  public static DevServerBuilder builder() {
    return new DevServerBuilder();
  }

  /** The port it listens on. */
  public int port() {
    return server.port();
  }

  /** Its base URL, e.g. {@code http://localhost:8300}. */
  public String url() {
    return "http://" + server.host() + ":" + server.port();
  }

  /** Completes when the server has stopped, for a main thread to wait on. */
  public reactor.core.publisher.Mono<Void> onDispose() {
    return server.onDispose();
  }

  /** Stops listening, ends runs in progress and closes the callers' clients, within 10 s. */
  @Override
  public void close() {
    try {
      server.disposeNow(Duration.ofSeconds(10));
    } catch (IllegalStateException timedOut) {
      // disposeNow gave up waiting; the server is closing anyway.
    } finally {
      routes.close();
    }
  }

  @Override
  public String toString() {
    return "DevServer{" + url() + "}";
  }
}
