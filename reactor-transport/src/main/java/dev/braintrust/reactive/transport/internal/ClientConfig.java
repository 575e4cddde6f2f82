package dev.braintrust.reactive.transport.internal;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * A client's settings, already checked by the builder.
 *
 * @param loopResources event loops supplied by the caller (then not disposed by the client), or
 *     null for the client's own
 * @param connectionProvider likewise for the connection pool
 */
public record ClientConfig(
    String baseUrl,
    String apiKey,
    @Nullable String impersonateUser,
    boolean gzip,
    int gzipLevel,
    long maxRequestBytes,
    int maxRetries,
    Duration minBackoff,
    Duration maxBackoff,
    Duration maxRetryAfter,
    Duration requestTimeout,
    int maxConnections,
    @Nullable Scheduler timer,
    @Nullable MeterRegistry registry,
    @Nullable LoopResources loopResources,
    @Nullable ConnectionProvider connectionProvider) {

  @Override
  public String toString() {
    // A record would print every component, the key too.
    return "ClientConfig{" + baseUrl + (impersonateUser == null ? "" : ", impersonating") + "}";
  }
}
