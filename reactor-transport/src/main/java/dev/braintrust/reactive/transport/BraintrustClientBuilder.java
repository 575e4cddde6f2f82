package dev.braintrust.reactive.transport;

import dev.braintrust.reactive.core.internal.Validation;
import dev.braintrust.reactive.transport.internal.ClientChecks;
import dev.braintrust.reactive.transport.internal.ClientConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Configures a {@link BraintrustClient}; from {@link BraintrustClient#builder()}. Each option is
 * checked when set, and the exception names the option; the API key and the URL are checked again
 * when the client is built.
 */
public final class BraintrustClientBuilder {
  private @Nullable String apiKey;
  private String baseUrl = BraintrustClient.US_URL;
  private @Nullable String impersonateUser;
  private boolean gzip = true;
  private int gzipLevel = 1;
  private long maxRequestBytes = 5L * 1024 * 1024;
  private int maxRetries = 5;
  private Duration minBackoff = Duration.ofMillis(200);
  private Duration maxBackoff = Duration.ofSeconds(10);
  private Duration maxRetryAfter = Duration.ofSeconds(60);
  private Duration requestTimeout = Duration.ofSeconds(30);
  private int maxConnections = 16;
  private boolean allowInsecureHttp;
  private @Nullable Scheduler timer;
  private @Nullable MeterRegistry registry;
  private @Nullable LoopResources loopResources;
  private @Nullable ConnectionProvider connectionProvider;

  BraintrustClientBuilder() {}

  /**
   * The API key (required). Surrounding whitespace is trimmed, so a key read from a file works;
   * control characters inside are refused. It is sent as a Bearer token, and never logged or put in
   * an exception message.
   *
   * @param apiKey the API key
   * @return this builder
   */
  public BraintrustClientBuilder apiKey(String apiKey) {
    this.apiKey = ClientChecks.headerValue("apiKey", apiKey);
    return this;
  }

  /**
   * The API URL: {@link BraintrustClient#US_URL} (default), {@link BraintrustClient#EU_URL} or a
   * self-hosted one. Plain http is accepted only for {@code localhost}, 127.0.0.0/8 and {@code
   * [::1]}, unless {@link #allowInsecureHttp} is set.
   *
   * @param baseUrl the API URL
   * @return this builder
   */
  public BraintrustClientBuilder baseUrl(String baseUrl) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    return this;
  }

  /**
   * Sends {@code x-bt-impersonate-user} with every request; trimmed, control characters refused.
   *
   * @param userIdOrEmail the user to act as, by id or email
   * @return this builder
   */
  public BraintrustClientBuilder impersonateUser(String userIdOrEmail) {
    this.impersonateUser = ClientChecks.headerValue("impersonateUser", userIdOrEmail);
    return this;
  }

  /**
   * Whether insert bodies are gzip-compressed (default true).
   *
   * @param gzip whether insert bodies are gzip-compressed
   * @return this builder
   */
  public BraintrustClientBuilder gzip(boolean gzip) {
    this.gzip = gzip;
    return this;
  }

  /**
   * gzip level 1 (fastest, default) to 9 (smallest).
   *
   * @param level the gzip level, 1 to 9
   * @return this builder
   */
  public BraintrustClientBuilder gzipLevel(int level) {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("gzipLevel must be between 1 and 9, got " + level);
    }
    this.gzipLevel = level;
    return this;
  }

  /**
   * Largest uncompressed insert body (default 5 MiB), reported as {@link
   * BraintrustClient#maxRequestBytes()}: the exporter cuts its batches to fit. The client sends
   * what it is given, and halves a request only when the server answers 413.
   *
   * @param bytes largest uncompressed insert body
   * @return this builder
   */
  public BraintrustClientBuilder maxRequestBytes(long bytes) {
    if (bytes < 64) {
      throw new IllegalArgumentException("maxRequestBytes must be at least 64, got " + bytes);
    }
    this.maxRequestBytes = bytes;
    return this;
  }

  /**
   * Retries after the first attempt (default 5); 0 disables retries.
   *
   * @param n retries after the first attempt
   * @return this builder
   */
  public BraintrustClientBuilder maxRetries(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative, got " + n);
    }
    this.maxRetries = n;
    return this;
  }

  /**
   * Backoff bounds (default 200 ms to 10 s); both must be positive.
   *
   * @param min the first, shortest backoff
   * @param max the longest backoff
   * @return this builder
   */
  public BraintrustClientBuilder backoff(Duration min, Duration max) {
    Objects.requireNonNull(min, "backoff min");
    Objects.requireNonNull(max, "backoff max");
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + ", " + max);
    }
    this.minBackoff = min;
    this.maxBackoff = max;
    return this;
  }

  /**
   * Longest Retry-After honoured (default 60 s); longer ones are cut to this.
   *
   * @param max longest Retry-After honoured
   * @return this builder
   */
  public BraintrustClientBuilder maxRetryAfter(Duration max) {
    this.maxRetryAfter = Validation.positive("maxRetryAfter", max);
    return this;
  }

  /**
   * Time to wait for a response (default 30 s); a timeout is retried.
   *
   * @param timeout time to wait for a response
   * @return this builder
   */
  public BraintrustClientBuilder requestTimeout(Duration timeout) {
    this.requestTimeout = Validation.positive("requestTimeout", timeout);
    return this;
  }

  /**
   * Most pooled connections (default 16); unused with {@link #connectionProvider}.
   *
   * @param n most pooled connections
   * @return this builder
   */
  public BraintrustClientBuilder maxConnections(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("maxConnections must be positive, got " + n);
    }
    this.maxConnections = n;
    return this;
  }

  /**
   * Allows plain http to non-loopback hosts (default false: https only, but for loopback).
   *
   * @param allow whether plain http may go to non-loopback hosts
   * @return this builder
   */
  public BraintrustClientBuilder allowInsecureHttp(boolean allow) {
    this.allowInsecureHttp = allow;
    return this;
  }

  /**
   * The scheduler for retry delays (default {@code Schedulers.parallel()}); a virtual-time one in
   * tests.
   *
   * @param scheduler the scheduler for retry delays
   * @return this builder
   */
  public BraintrustClientBuilder timerScheduler(Scheduler scheduler) {
    this.timer = Objects.requireNonNull(scheduler, "timerScheduler");
    return this;
  }

  /**
   * Where to time HTTP attempts (default: a private {@code SimpleMeterRegistry}).
   *
   * @param registry where to time HTTP attempts
   * @return this builder
   */
  public BraintrustClientBuilder meterRegistry(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "meterRegistry");
    return this;
  }

  /**
   * Event loops to run on, owned by the caller: {@link BraintrustClient#shutdown()} leaves them
   * alone. By default the client creates two daemon threads named {@code braintrust-http-*} and
   * disposes them on shutdown, so it doesn't depend on Reactor Netty's global loops, which an
   * application may dispose before the last batches are out.
   *
   * @param loops event loops to run on
   * @return this builder
   */
  public BraintrustClientBuilder loopResources(LoopResources loops) {
    this.loopResources = Objects.requireNonNull(loops, "loopResources");
    return this;
  }

  /**
   * A connection pool owned by the caller, left alone on shutdown; {@link #maxConnections} then
   * doesn't apply. By default the client creates its own and disposes it on shutdown.
   *
   * @param provider a connection pool owned by the caller
   * @return this builder
   */
  public BraintrustClientBuilder connectionProvider(ConnectionProvider provider) {
    this.connectionProvider = Objects.requireNonNull(provider, "connectionProvider");
    return this;
  }

  /**
   * The client.
   *
   * @return the client
   * @throws IllegalArgumentException when the API key is missing or the URL is refused
   */
  public BraintrustClient build() {
    if (apiKey == null) {
      throw new IllegalArgumentException("apiKey must not be null or blank");
    }
    String url = ClientChecks.baseUrl(baseUrl, allowInsecureHttp);
    return new BraintrustClient(
        new ClientConfig(
            url,
            apiKey,
            impersonateUser,
            gzip,
            gzipLevel,
            maxRequestBytes,
            maxRetries,
            minBackoff,
            maxBackoff,
            maxRetryAfter,
            requestTimeout,
            maxConnections,
            timer,
            registry,
            loopResources,
            connectionProvider));
  }
}
