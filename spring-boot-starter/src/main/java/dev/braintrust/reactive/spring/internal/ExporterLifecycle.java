package dev.braintrust.reactive.spring.internal;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;

/**
 * Delivers the last spans when the application context stops: after the web server has finished its
 * graceful shutdown (so the spans of the last requests are in the buffer), and before Spring
 * disposes the resources delivery may need ({@code ReactorResourceFactory}, phase 0, disposes
 * Reactor Netty's shared event loops).
 *
 * <p>Boot stops the graceful shutdown at {@code DEFAULT_PHASE - 1024} and the web server at {@code
 * DEFAULT_PHASE - 2048}; higher phases stop first, so this one sits below both and well above 0.
 * The stop is asynchronous: Spring waits for it up to {@code
 * spring.lifecycle.timeout-per-shutdown-phase}, and the exporter finishes by its own deadline.
 */
public final class ExporterLifecycle implements SmartLifecycle {
  /** The phase: after the web server stopped, before shared Reactor Netty resources go. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

  private static final Log LOG = LogFactory.getLog(ExporterLifecycle.class);

  private final ObjectProvider<BraintrustExporter> exporters;
  private final Duration timeout;
  private volatile boolean running;

  public ExporterLifecycle(ObjectProvider<BraintrustExporter> exporters, Duration timeout) {
    this.exporters = exporters;
    this.timeout = timeout;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    shutdownAll().block();
    running = false;
  }

  @Override
  public void stop(Runnable callback) {
    shutdownAll()
        .doFinally(
            s -> {
              running = false;
              callback.run();
            })
        .subscribe();
  }

  private Mono<Void> shutdownAll() {
    // Resolved only now: the exporters are plain singletons, already created by this point.
    List<Mono<Void>> all =
        exporters
            .orderedStream()
            .map(
                e ->
                    e.shutdown(timeout)
                        .onErrorResume(
                            t -> {
                              LOG.warn("Braintrust exporter shutdown failed", t);
                              return Mono.empty();
                            }))
            .collect(Collectors.toList());
    return Mono.when(all);
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
