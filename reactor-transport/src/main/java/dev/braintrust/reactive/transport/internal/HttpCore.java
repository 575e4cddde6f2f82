package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.export.RetryHint;
import dev.braintrust.reactive.core.export.internal.RetryPolicy;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.transport.BraintrustApiException;
import dev.braintrust.reactive.transport.BraintrustConnectionException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.resolver.AddressResolverGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.util.retry.Retry;

/**
 * One attempt at an HTTP exchange with the API, retries around it, error parsing and the {@code
 * braintrust.http.requests} timer. Owns its event loops and connection pool unless the caller
 * supplied them, so the client keeps working when an application disposes Reactor Netty's global
 * resources before it (Spring Boot does on shutdown) and the last batches still go out.
 *
 * <p>Every request carries the key, the User-Agent, the org name and extra headers; a call's
 * impersonated user comes from the subscriber's context ({@link CallContext}). Through a proxy, the
 * API's host is resolved by the proxy, not here; {@link HttpClientSetup} has the details.
 */
public final class HttpCore {
  private static final LibraryLog LOG = LibraryLog.get(HttpCore.class);
  private static final int LOOP_THREADS = 2;
  private static final Duration LOOP_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  /** A 2xx reply. */
  public record Reply(
      int status,
      @Nullable String contentType,
      byte[] body,
      io.netty.handler.codec.http.HttpHeaders headers) {}

  private final String baseUrl;
  private final RetryPolicy retryPolicy;
  private final Scheduler timer;
  private final MeterRegistry registry;
  private final ApiErrors errors;
  private final @Nullable LoopResources ownLoops;
  private final @Nullable ConnectionProvider ownProvider;
  private final LoopResources loops;
  private final ConnectionProvider provider;
  private final ClientConfig config;
  private final NetworkErrors network;
  // Made on first use: an event loop group opens selectors as soon as it exists, and a client
  // that is built but never used (or never closed) shouldn't hold any.
  private @Nullable AddressResolverGroup<?> resolver;
  private volatile @Nullable HttpClients clients;
  // One timer per method and outcome, registered once instead of looked up on every attempt.
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Mono<Void> shutdown;
  // Set for a client that must exist but cannot work (no API key): every call fails with it.
  private final @Nullable String unusable;

  /** A client for these settings; threads start with the first request. */
  public HttpCore(ClientConfig c) {
    this(c, null);
  }

  /**
   * A client for these settings, or, when {@code unusable} is given, one that sends nothing and
   * fails every call with a {@link BraintrustException} carrying that message.
   */
  public HttpCore(ClientConfig c, @Nullable String unusable) {
    this.unusable = unusable;
    this.baseUrl = c.baseUrl();
    this.retryPolicy =
        new RetryPolicy(c.maxRetries(), c.minBackoff(), c.maxBackoff(), c.maxRetryAfter());
    this.timer = c.timer() != null ? c.timer() : Schedulers.parallel();
    this.registry = c.registry() != null ? c.registry() : new SimpleMeterRegistry();
    this.config = c;
    ProxyConfig proxy = c.proxy();
    this.errors = new ApiErrors(c.apiKey(), proxy == null ? null : proxy.password());
    this.network = new NetworkErrors(c.baseUrl(), proxy);
    this.ownLoops =
        c.loopResources() == null
            ? LoopResources.create("braintrust-http", LOOP_THREADS, true)
            : null;
    this.ownProvider = c.connectionProvider() == null ? HttpClientSetup.pool(c) : null;
    this.loops = ownLoops != null ? ownLoops : c.loopResources();
    this.provider = ownProvider != null ? ownProvider : c.connectionProvider();
    this.shutdown = Mono.defer(this::release).cache();
  }

  private HttpClients clients() {
    HttpClients c = clients;
    return c != null ? c : createClients();
  }

  private synchronized HttpClients createClients() {
    if (closed.get()) {
      // Else a resolver made after shutdown closed the last one would never be closed.
      throw shutDown();
    }
    if (clients == null) {
      clients = HttpClients.of(HttpClientSetup.create(config, provider, loops, r -> resolver = r));
    }
    return clients;
  }

  /** For signed object-store URLs: this client's pool, proxy, TLS and timeouts, no credentials. */
  public HttpClient objectStore() {
    if (unusable != null) {
      throw new BraintrustException(unusable);
    }
    java.util.Set<String> extra = config.headers().keySet();
    return clients()
        .plain()
        .headers(
            h -> {
              h.remove(HttpHeaderNames.AUTHORIZATION).remove(RequestHeaders.ORG_NAME);
              h.remove(RequestHeaders.IMPERSONATE_USER).set(HttpHeaderNames.ACCEPT, "*/*");
              extra.forEach(h::remove);
            });
  }

  /** The base URL requests go to. */
  public String baseUrl() {
    return baseUrl;
  }

  /** Where attempts are timed. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The redacting error factory. */
  public ApiErrors errors() {
    return errors;
  }

  /** The organisation named with every request, or null. */
  public @Nullable String orgName() {
    return config.orgName();
  }

  /**
   * Sends JSON (or nothing) with retries and reads a JSON object; an empty body reads as {}. Any
   * other answer (a JSON {@code null}, an array, a truncated or non-JSON body) is a {@link
   * BraintrustApiException}.
   */
  public Mono<JsonNode> json(HttpMethod method, String path, @Nullable JsonNode body) {
    return jsonReply(method, path, body).map(JsonReply::json);
  }

  /** {@link #json}, keeping the status and headers, to check the answer's fields. */
  public Mono<JsonReply> jsonReply(HttpMethod method, String path, @Nullable JsonNode body) {
    return jsonAttempts(method, path, body, true);
  }

  /**
   * {@link #json} for answers that may be any JSON value (a function's output): {@code null} reads
   * as a {@code NullNode}, never as a Java null.
   */
  public Mono<JsonNode> jsonValue(HttpMethod method, String path, @Nullable JsonNode body) {
    return jsonAttempts(method, path, body, false).map(JsonReply::json);
  }

  private Mono<JsonReply> jsonAttempts(
      HttpMethod method, String path, @Nullable JsonNode body, boolean object) {
    byte[] bytes;
    try {
      bytes = body == null ? null : Json.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      return Mono.error(e);
    }
    return withRetry(exchange(method, path, bytes, false))
        .map(
            reply ->
                new JsonReply(
                    method.name(),
                    path,
                    reply.status(),
                    reply.contentType(),
                    parse(method, path, reply, object),
                    reply.headers(),
                    errors))
        .onErrorMap(errors::scrub);
  }

  private JsonNode parse(HttpMethod method, String path, Reply reply, boolean object) {
    if (reply.body().length == 0) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      JsonNode n = Json.MAPPER.readTree(reply.body());
      if (n != null && !n.isMissingNode() && (!object || n.isObject())) {
        return n;
      }
    } catch (IOException notJson) {
      // Truncated or not JSON: reported below with what came back instead.
    }
    throw errors.unexpected(
        method.name(),
        path,
        reply.status(),
        reply.contentType(),
        reply.body(),
        object ? "a JSON object" : "a JSON body");
  }

  /**
   * One attempt, timed. Completes with a 2xx reply or fails with {@link BraintrustApiException};
   * connection failures and timeouts pass through for {@link #isRetryable} to judge.
   */
  public Mono<Reply> exchange(
      HttpMethod method, String path, byte @Nullable [] body, boolean gzipped) {
    return Mono.deferContextual(
        ctx -> {
          if (unusable != null) {
            return Mono.error(new BraintrustException(unusable));
          }
          if (closed.get()) {
            return Mono.error(shutDown());
          }
          long start = System.nanoTime();
          return send(method, path, body, gzipped, CallContext.impersonatedUser(ctx))
              .onErrorMap(network::explain)
              .onErrorMap(e -> noAnswer(method.name(), path, e))
              .doOnSuccess(r -> record(method, "2xx", start))
              .doOnError(e -> record(method, outcome(e), start));
        });
  }

  private Mono<Reply> send(
      HttpMethod method,
      String path,
      byte @Nullable [] body,
      boolean gzipped,
      @Nullable String impersonate) {
    HttpClients c = clients();
    HttpClient client =
        HttpClients.as(body == null ? c.plain() : gzipped ? c.gzipJson() : c.json(), impersonate);
    HttpClient.ResponseReceiver<?> sender =
        body == null
            ? client.request(method).uri(path)
            : client
                .request(method)
                .uri(path)
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
    return sender.responseSingle(
        (res, content) ->
            content
                .asByteArray()
                .defaultIfEmpty(new byte[0])
                .flatMap(
                    bytes -> {
                      int status = res.status().code();
                      if (status >= 200 && status < 300) {
                        return Mono.just(
                            new Reply(
                                status,
                                res.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE),
                                bytes,
                                res.responseHeaders()));
                      }
                      return Mono.error(
                          errors.status(method.name(), path, status, res.responseHeaders(), bytes));
                    }));
  }

  /**
   * POSTs JSON and streams the answer's Server-Sent Event payloads up to {@code [DONE]}, then
   * completes when the response ends. Reading to the end (rather than cancelling at {@code [DONE]})
   * lets the connection go back to the pool instead of being torn down. Cancelling closes it.
   */
  public Flux<String> sse(String path, JsonNode body) {
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      return Flux.error(e);
    }
    Flux<String> attempt =
        Flux.deferContextual(
            ctx -> {
              if (unusable != null) {
                return Flux.error(new BraintrustException(unusable));
              }
              if (closed.get()) {
                return Flux.error(shutDown());
              }
              String impersonate = CallContext.impersonatedUser(ctx);
              return HttpClients.as(clients().sse(), impersonate)
                  .post()
                  .uri(path)
                  .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(bytes)))
                  .response(
                      (res, content) -> {
                        int status = res.status().code();
                        if (status < 200 || status >= 300) {
                          return content
                              .aggregate()
                              .asByteArray()
                              .defaultIfEmpty(new byte[0])
                              .flatMapMany(
                                  b ->
                                      Flux.<String>error(
                                          errors.status(
                                              "POST", path, status, res.responseHeaders(), b)));
                        }
                        String type = res.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
                        if (type != null && !isEventStream(type)) {
                          // An error object (or a proxy's page) with a 2xx is not an empty stream.
                          return content
                              .aggregate()
                              .asByteArray()
                              .defaultIfEmpty(new byte[0])
                              .flatMapMany(
                                  b ->
                                      Flux.<String>error(
                                          errors.unexpected(
                                              "POST", path, status, type, b, "text/event-stream")));
                        }
                        return events(path, status, type, content.asByteArray());
                      })
                  .onErrorMap(network::explain)
                  .onErrorMap(e -> noAnswer("POST", path, e));
            });
    // Retrying after an event reached the subscriber would replay the stream into it, so a stream
    // is retried only while nothing has been emitted (refused connection, 429, 5xx before data).
    return Flux.defer(
            () -> {
              AtomicBoolean emitted = new AtomicBoolean();
              AtomicBoolean done = new AtomicBoolean();
              return attempt
                  .filter(
                      d -> !done.get() && !(d.equals("[DONE]") && done.compareAndSet(false, true)))
                  .doOnNext(d -> emitted.set(true))
                  .retryWhen(retry(() -> !emitted.get()));
            })
        .onErrorMap(errors::scrub);
  }

  private static boolean isEventStream(String contentType) {
    return contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
  }

  /**
   * The events' payloads, failing when the response ends before {@code [DONE]} (or an {@code event:
   * done}): a stream cut short by a proxy or a crashed server must not look complete.
   */
  private Flux<String> events(
      String path, int status, @Nullable String contentType, Flux<byte[]> chunks) {
    return SseDecoder.untilDone(
        chunks,
        last ->
            errors.unexpected(
                "POST",
                path,
                status,
                contentType,
                ("last event: " + last).getBytes(StandardCharsets.UTF_8),
                "a stream ending with [DONE]"));
  }

  /** {@code call} retried on retryable failures with the client's backoff. */
  public <T> Mono<T> withRetry(Mono<T> call) {
    return call.retryWhen(retry(() -> true));
  }

  private Retry retry(BooleanSupplier stillRetryable) {
    return Retry.from(
        signals ->
            signals.concatMap(
                signal -> {
                  Throwable e = signal.failure();
                  long n = signal.totalRetries();
                  if (n >= retryPolicy.maxRetries()
                      || !isRetryable(e)
                      || !stillRetryable.getAsBoolean()
                      || closed.get()) {
                    return Mono.error(e);
                  }
                  Duration retryAfter =
                      e instanceof BraintrustApiException
                          ? ((BraintrustApiException) e).retryAfter()
                          : null;
                  Duration delay = retryPolicy.delay(n, retryAfter);
                  LOG.debug(
                      "retry {} in {} ms after: {}",
                      n + 1,
                      delay.toMillis(),
                      errors.redact(String.valueOf(e)));
                  return Mono.delay(delay, timer);
                }));
  }

  /**
   * A lost connection or a response that did not come in time, as a {@link
   * BraintrustConnectionException} naming the request: Netty's own exceptions carry no message or
   * path. Retryable as they were; anything else passes through.
   */
  static Throwable noAnswer(String method, String path, Throwable e) {
    if (e instanceof RetryHint || !isRetryable(e)) {
      return e;
    }
    return new BraintrustConnectionException(method, path, e);
  }

  /** Whether a failed attempt may succeed if sent again. */
  public static boolean isRetryable(Throwable e) {
    if (e instanceof RetryHint) {
      return ((RetryHint) e).isRetryable();
    }
    return e instanceof IOException
        || e instanceof TimeoutException
        || e instanceof io.netty.handler.timeout.TimeoutException
        || e instanceof io.netty.channel.ChannelException;
  }

  private void record(HttpMethod method, String outcome, long start) {
    timers
        .computeIfAbsent(
            method.name() + ' ' + outcome,
            k ->
                Timer.builder("braintrust.http.requests")
                    .description("HTTP attempts to the Braintrust API, retries included")
                    .tag("method", method.name())
                    .tag("outcome", outcome)
                    .register(registry))
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  private static String outcome(Throwable e) {
    if (e instanceof BraintrustApiException) {
      return (((BraintrustApiException) e).status() / 100) + "xx";
    }
    return isRetryable(e) ? "io_error" : "client_error";
  }

  /**
   * Releases what this client created: its pool, resolver and event loops. Resources supplied by
   * the caller stay as they are. Idempotent; later requests fail at once.
   */
  public Mono<Void> shutdown() {
    return shutdown;
  }

  private static IllegalStateException shutDown() {
    return new IllegalStateException(
        "this BraintrustClient is shut down (an exporter built on the client itself shuts it down;"
            + " exporters sharing a client take client.ingestTransport())");
  }

  /** Whether {@link #shutdown()} has begun. */
  public boolean isShutdown() {
    return closed.get();
  }

  private Mono<Void> release() {
    closed.set(true);
    Mono<Void> pool = ownProvider == null ? Mono.empty() : ownProvider.disposeLater();
    Mono<Void> eventLoops =
        ownLoops == null
            ? Mono.empty()
            : ownLoops.disposeLater(Duration.ZERO, LOOP_SHUTDOWN_TIMEOUT);
    return pool.then(Mono.fromRunnable(this::closeResolver)).then(eventLoops);
  }

  private synchronized void closeResolver() {
    if (resolver != null) {
      resolver.close();
    }
  }
}
