package dev.braintrust.reactive.transport.jdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.export.internal.RetryPolicy;
import dev.braintrust.reactive.core.internal.Origin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One JDK {@link HttpClient} and what every request to the API carries: the base URL, the API key,
 * the identifying and extra headers. Each request is sent on a thread of the transport's own (a
 * cached pool of daemon threads, {@code braintrust-http-N}), where its answer completes, never on
 * the subscriber's thread. Not {@code sendAsync}: the JDK client hands each of its answers on to
 * {@code CompletableFuture}'s default executor, the application's common pool, or on a machine with
 * two cores or fewer a new thread per request. A request that gets no whole answer within the
 * request timeout fails with an {@link HttpTimeoutException}, an {@link IOException} the exporter
 * retries.
 */
public final class JdkHttp {
  /** Shared by the transport's classes: plain trees, nothing configured. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private static final int MAX_ERROR_CHARS = 500;
  private static final String REDACTED = "[redacted]";
  private static final String USER_AGENT =
      "braintrust-reactive-java/"
          + Origin.version()
          + " Java/"
          + System.getProperty("java.version", "?")
          + " (jdk-http)";

  /** A 2xx answer. */
  public record Reply(int status, @Nullable String contentType, byte[] body) {}

  private final HttpClient client;
  private final String baseUrl;
  private final String apiKey;
  private final String[] headers;
  private final Duration requestTimeout;
  private final Consumer<Runnable> scope;
  private final AtomicBoolean closed = new AtomicBoolean();
  // Blocking sends, one thread per request in flight, reused; idle threads end after a minute.
  private final ExecutorService senders = Executors.newCachedThreadPool(new SenderThreads());

  /**
   * Sends through {@code client} to {@code baseUrl}.
   *
   * @param client the JDK client (its proxy, TLS and connect timeout already set)
   * @param baseUrl the API's base URL, without a trailing slash
   * @param apiKey sent as a Bearer token; redacted from every message
   * @param orgName the {@code x-bt-org-name} header, or null
   * @param extra extra headers, checked already
   * @param requestTimeout the longest wait for a whole answer
   * @param scope runs the start of each request (see {@code JdkTransportBuilder.requestScope})
   */
  public JdkHttp(
      HttpClient client,
      String baseUrl,
      String apiKey,
      @Nullable String orgName,
      Map<String, String> extra,
      Duration requestTimeout,
      Consumer<Runnable> scope) {
    this.client = client;
    this.scope = scope;
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.requestTimeout = requestTimeout;
    List<String> h = new ArrayList<>();
    h.add("Authorization");
    h.add("Bearer " + apiKey);
    h.add("User-Agent");
    h.add(USER_AGENT);
    if (orgName != null) {
      // The official SDKs send it: it picks the organisation when the key spans several.
      h.add("x-bt-org-name");
      h.add(orgName);
    }
    extra.forEach(
        (k, v) -> {
          h.add(k);
          h.add(v);
        });
    this.headers = h.toArray(new String[0]);
  }

  /** The API's base URL. */
  public String baseUrl() {
    return baseUrl;
  }

  /**
   * One attempt of {@code method path} to the API with a JSON body (gzip-compressed when {@code
   * gzipped}), or none. Completes with a 2xx reply; fails with {@link HttpFailure} for any other
   * status, or with the {@link IOException} that kept an answer from coming.
   */
  public Mono<Reply> send(String method, String path, byte @Nullable [] body, boolean gzipped) {
    return Mono.defer(
        () -> {
          if (closed.get()) {
            return Mono.error(new IllegalStateException("this transport is shut down"));
          }
          HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path));
          b.headers(headers);
          b.header("Accept", "application/json");
          if (body != null) {
            b.header("Content-Type", "application/json");
            if (gzipped) {
              b.header("Content-Encoding", "gzip");
            }
          }
          b.method(
              method,
              body == null
                  ? HttpRequest.BodyPublishers.noBody()
                  : HttpRequest.BodyPublishers.ofByteArray(body));
          return exchange(method, path, b.build());
        });
  }

  /**
   * One attempt to a signed object-store URL: none of the API's credentials, only {@code extra}
   * headers. {@code shown} is the URL without its query (the query is the credential).
   */
  public Mono<Reply> sendTo(
      String method,
      String url,
      String shown,
      Map<String, String> extra,
      HttpRequest.BodyPublisher body) {
    return Mono.defer(
        () -> {
          HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
          extra.forEach(b::header);
          b.method(method, body);
          return exchange(method, shown, b.build());
        });
  }

  /** {@link #send} of a JSON tree, the answer read as a JSON object. */
  public Mono<JsonNode> json(String method, String path, @Nullable JsonNode body) {
    byte[] bytes;
    try {
      bytes = body == null ? null : MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      return Mono.error(e);
    }
    return send(method, path, bytes, false)
        .map(
            reply -> {
              try {
                JsonNode n = reply.body().length == 0 ? null : MAPPER.readTree(reply.body());
                if (n != null && n.isObject()) {
                  return n;
                }
              } catch (IOException notJson) {
                // Reported below with what came back instead.
              }
              throw unexpected(method, path, reply, "a JSON object");
            });
  }

  private Mono<Reply> exchange(String method, String shown, HttpRequest request) {
    return Mono.<HttpResponse<byte[]>>create(
            sink -> {
              AtomicBoolean cancelled = new AtomicBoolean();
              Future<?> sending;
              try {
                sending =
                    senders.submit(
                        () -> {
                          try {
                            sink.success(sendNow(request));
                          } catch (InterruptedException cancel) {
                            // Only a cancel interrupts these threads: nobody listens any more.
                          } catch (Throwable t) {
                            if (!cancelled.get()) {
                              sink.error(t);
                            }
                          }
                        });
              } catch (RejectedExecutionException shutDown) {
                sink.error(new IllegalStateException("this transport is shut down"));
                return;
              }
              // The interrupt makes the client's send cancel the exchange.
              sink.onCancel(
                  () -> {
                    cancelled.set(true);
                    sending.cancel(true);
                  });
            })
        // The JDK's own request timeout covers only the wait for the headers: this one bounds the
        // whole answer, body included, and cancels the exchange when it fires.
        .timeout(
            requestTimeout,
            Mono.error(
                () ->
                    new HttpTimeoutException(
                        method + " " + shown + ": no answer within " + requestTimeout)),
            Schedulers.parallel())
        .map(
            res -> {
              int status = res.statusCode();
              String type = res.headers().firstValue("Content-Type").orElse(null);
              if (status >= 200 && status < 300) {
                return new Reply(status, type, res.body());
              }
              throw failure(method, shown, status, res);
            });
  }

  /** Sends {@code request} and waits for the whole answer, inside the request scope. */
  private HttpResponse<byte[]> sendNow(HttpRequest request)
      throws IOException, InterruptedException {
    List<HttpResponse<byte[]>> answer = new ArrayList<>(1);
    Exception[] failed = {null};
    boolean[] ran = {false};
    scope.accept(
        () -> {
          ran[0] = true;
          try {
            answer.add(client.send(request, HttpResponse.BodyHandlers.ofByteArray()));
          } catch (IOException | InterruptedException e) {
            failed[0] = e;
          }
        });
    if (!ran[0]) {
      throw new IllegalStateException("the request scope did not run the request");
    }
    if (failed[0] instanceof InterruptedException e) {
      throw e;
    }
    if (failed[0] != null) {
      throw (IOException) failed[0];
    }
    return answer.get(0);
  }

  /** Daemon threads named for the transport: they never keep a JVM alive. */
  private static final class SenderThreads implements ThreadFactory {
    private static final AtomicInteger COUNT = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "braintrust-http-" + COUNT.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }

  private HttpFailure failure(String method, String path, int status, HttpResponse<byte[]> res) {
    String text = new String(res.body(), StandardCharsets.UTF_8);
    String error = text;
    try {
      JsonNode n = MAPPER.readTree(res.body());
      if (n != null && n.hasNonNull("error")) {
        error = n.get("error").isTextual() ? n.get("error").asText() : n.get("error").toString();
      }
    } catch (IOException notJson) {
      // The body as it came.
    }
    error = redact(truncate(error));
    return new HttpFailure(
        method,
        path,
        status,
        error.isEmpty() ? "(empty body)" : error,
        RetryPolicy.parseRetryAfter(
            res.headers().firstValue("Retry-After").orElse(null), System.currentTimeMillis()));
  }

  /**
   * A 2xx whose body is not what the endpoint returns (a proxy's HTML page, say): not retryable,
   * since sending again would get the same page.
   */
  public HttpFailure unexpected(String method, String path, Reply reply, String expected) {
    String what =
        reply.body().length == 0
            ? "an empty body"
            : (reply.contentType() == null ? "a body without content type" : reply.contentType())
                + ": "
                + truncate(new String(reply.body(), StandardCharsets.UTF_8));
    return new HttpFailure(
        method, path, reply.status(), redact("expected " + expected + ", got " + what), null);
  }

  /** {@code text} without the API key. */
  public String redact(String text) {
    return text.replace(apiKey, REDACTED);
  }

  private static String truncate(String s) {
    return s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS) + "...";
  }

  /**
   * Refuses new requests. On JDK 21 and later the client's threads are released in the background
   * (its {@code close()} waits for requests in flight, so it never runs on the caller's thread); on
   * JDK 17 they end once the client is unreachable.
   */
  public Mono<Void> shutdown() {
    return Mono.fromRunnable(
        () -> {
          if (!closed.compareAndSet(false, true)) {
            return;
          }
          // Requests in flight finish (or are cancelled by their subscribers); no new ones start.
          senders.shutdown();
          if (client instanceof AutoCloseable) {
            Schedulers.boundedElastic()
                .schedule(
                    () -> {
                      try {
                        ((AutoCloseable) client).close();
                      } catch (Exception ignored) {
                        // Nothing left to release.
                      }
                    });
          }
        });
  }
}
