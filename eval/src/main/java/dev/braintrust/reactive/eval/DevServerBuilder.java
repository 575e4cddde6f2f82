package dev.braintrust.reactive.eval;

import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.BraintrustClientBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Configures a {@link DevServer}; at least one evaluator is required. */
public final class DevServerBuilder {
  final Map<String, RemoteEval> evaluators = new LinkedHashMap<>();
  String host = "localhost";
  int port = 8300;
  String apiUrl = envOr("BRAINTRUST_API_URL", BraintrustClient.US_URL);
  String appUrl = envOr("BRAINTRUST_APP_URL", "https://www.braintrust.dev");
  final List<String> allowedOrigins = new ArrayList<>();
  Consumer<BraintrustClientBuilder> clientConfig = b -> {};

  DevServerBuilder() {}

  private static String envOr(String name, String fallback) {
    @Nullable String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /**
   * Offers an evaluator.
   *
   * @throws IllegalArgumentException when another has its name
   */
  public DevServerBuilder evaluator(RemoteEval evaluator) {
    Objects.requireNonNull(evaluator, "evaluator");
    if (evaluators.putIfAbsent(evaluator.name(), evaluator) != null) {
      throw new IllegalArgumentException("two evaluators are named '" + evaluator.name() + "'");
    }
    return this;
  }

  /** The interface to listen on; default {@code localhost}. */
  public DevServerBuilder host(String host) {
    this.host = Objects.requireNonNull(host, "host");
    return this;
  }

  /** The port; default 8300, as the official SDKs'; 0 picks a free one. */
  public DevServerBuilder port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    this.port = port;
    return this;
  }

  /**
   * The Braintrust API the runs write to with the caller's key; default {@code BRAINTRUST_API_URL},
   * else the US API.
   */
  public DevServerBuilder apiUrl(String url) {
    this.apiUrl = Objects.requireNonNull(url, "url");
    return this;
  }

  /**
   * The Braintrust app whose pages may call the server (CORS), besides {@code
   * https://*.preview.braintrust.dev}; default {@code BRAINTRUST_APP_URL}, else {@code
   * https://www.braintrust.dev}.
   */
  public DevServerBuilder appUrl(String url) {
    this.appUrl = Objects.requireNonNull(url, "url");
    return this;
  }

  /** Another origin allowed to call the server (CORS). */
  public DevServerBuilder allowOrigin(String origin) {
    allowedOrigins.add(Objects.requireNonNull(origin, "origin"));
    return this;
  }

  /** Adjusts the clients made for each caller's key (timeouts, proxy, ...). */
  public DevServerBuilder clientConfig(Consumer<BraintrustClientBuilder> config) {
    this.clientConfig = Objects.requireNonNull(config, "config");
    return this;
  }

  /**
   * Binds and starts the server; blocks until it listens (at most 30 s), so call it from a main
   * thread, not an event loop.
   *
   * @throws IllegalStateException when no evaluator was given
   */
  public DevServer start() {
    if (evaluators.isEmpty()) {
      throw new IllegalStateException("a dev server needs at least one evaluator");
    }
    return new DevServer(this);
  }
}
