package dev.braintrust.reactive.core;

import dev.braintrust.reactive.core.internal.SignalWatch;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Starts spans and hands their rows to a {@link SpanSink}.
 *
 * <pre>{@code
 * Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("my-app"));
 * Span root = tracer.startSpan("handle", SpanType.TASK);
 * try (Scope s = root.makeCurrent()) { ... } finally { root.end(); }
 *
 * Mono<Reply> traced = tracer.mono("answer", SpanType.LLM, span -> callModel(span));
 * }</pre>
 *
 * <p>A tracer is immutable and thread-safe. Nothing here blocks or throws because of export
 * problems.
 */
public final class Tracer {
  static final Clock SYSTEM_CLOCK = Clock.systemUTC();

  private final SpanSink sink;
  private final Destination destination;
  private final Clock clock;
  private final String instrumentation;

  /** The instrumentation name of spans started by user code through a plain tracer. */
  public static final String CORE_INSTRUMENTATION = "tracing-core";

  private Tracer(SpanSink sink, Destination destination, Clock clock, String instrumentation) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.destination = Objects.requireNonNull(destination, "destination");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.instrumentation = instrumentation;
  }

  /**
   * A tracer writing root spans to {@code destination}.
   *
   * @param sink where finished spans go
   * @param destination where root spans go
   * @return the tracer
   */
  public static Tracer create(SpanSink sink, Destination destination) {
    return new Tracer(sink, destination, SYSTEM_CLOCK, CORE_INSTRUMENTATION);
  }

  /**
   * A tracer like this one with another clock, for tests that pin span times.
   *
   * @param clock the clock
   * @return the new tracer
   */
  public Tracer withClock(Clock clock) {
    return new Tracer(sink, destination, clock, instrumentation);
  }

  /**
   * A tracer like this one whose root spans go to another destination.
   *
   * @param destination where root spans go
   * @return the new tracer
   */
  public Tracer withDestination(Destination destination) {
    return new Tracer(sink, destination, clock, instrumentation);
  }

  /**
   * A tracer like this one whose spans name {@code name} as the module that made them, in {@code
   * context.span_origin.instrumentation.name}. Wrappers and bridges use their module name ({@code
   * instrumentation-openai}, {@code otel-bridge}, ...); a plain tracer says {@value
   * #CORE_INSTRUMENTATION}.
   *
   * @param name a stable module name, not blank
   * @return the new tracer
   */
  public Tracer withInstrumentation(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("instrumentation name must not be null or blank");
    }
    return new Tracer(sink, destination, clock, name);
  }

  /**
   * This tracer naming {@code name} as its spans' instrumentation, unless the caller already chose
   * a name of its own (one other than {@value #CORE_INSTRUMENTATION}), which is kept. What a
   * wrapper does with the tracer it is given.
   *
   * @param name the wrapper's module name, not blank
   * @return this tracer, or one naming {@code name}
   */
  public Tracer withDefaultInstrumentation(String name) {
    return CORE_INSTRUMENTATION.equals(instrumentation) ? withInstrumentation(name) : this;
  }

  /**
   * The instrumentation name this tracer's spans carry.
   *
   * @return the instrumentation name this tracer's spans carry
   */
  public String instrumentation() {
    return instrumentation;
  }

  /**
   * The destination of root spans.
   *
   * @return the destination of root spans
   */
  public Destination destination() {
    return destination;
  }

  /**
   * Starts a task span, child of the current thread's span if there is one.
   *
   * @param name the span's name
   * @return the span, started
   */
  public Span startSpan(String name) {
    return startSpan(name, SpanType.TASK);
  }

  /**
   * Starts a span, child of the current thread's span if there is one.
   *
   * @param name the span's name
   * @param type the span's type
   * @return the span, started
   */
  public Span startSpan(String name, SpanType type) {
    return startSpan(name, type, Tracing.currentSpan());
  }

  /**
   * Starts a span under {@code parent}, or a root span when it is null.
   *
   * @param name the span's name
   * @param type the span's type
   * @param parent the parent span, or null for a root span
   * @return the span, started
   */
  public Span startSpan(String name, SpanType type, @Nullable Span parent) {
    Objects.requireNonNull(name, "span name must not be null");
    Objects.requireNonNull(type, "span type must not be null");
    return new DefaultSpan(sink, clock, destination, name, type, instrumentation, parent);
  }

  /**
   * A Mono that, on each subscription, opens a span (child of the span in the subscriber's
   * context), runs {@code body} with it current, and ends it when the result completes, errors
   * (recording the error) or is cancelled.
   *
   * @param name the span's name
   * @param type the span's type
   * @param body builds the Mono, given the span
   * @param <T> the value type
   * @return a Mono that, on each subscription, opens a span (child of the span in the subscriber's
   *     context), runs {@code body} with it current, and ends it when the result completes, errors
   *     (recording the error) or is cancelled
   */
  public <T> Mono<T> mono(
      String name, SpanType type, Function<? super Span, ? extends Mono<T>> body) {
    return mono(name, type, body, false);
  }

  /** {@link #mono(String, SpanType, Function)}, recording the value as output when asked to. */
  <T> Mono<T> mono(
      String name,
      SpanType type,
      Function<? super Span, ? extends Mono<T>> body,
      boolean captureValue) {
    return Mono.deferContextual(
        ctx ->
            traced(
                ctx,
                name,
                type,
                body,
                Mono::error,
                (source, span) ->
                    SignalWatch.mono(source, sub -> SpanSignals.<T>mono(span, captureValue))
                        .contextWrite(c -> Tracing.withSpan(c, span))));
  }

  /**
   * Like {@link #mono(String, SpanType, Function)} around an existing Mono.
   *
   * @param name the span's name
   * @param type the span's type
   * @param source the Mono to trace
   * @param <T> the value type
   * @return like {@link #mono(String, SpanType, Function)} around an existing Mono
   */
  public <T> Mono<T> mono(String name, SpanType type, Mono<T> source) {
    return mono(name, type, span -> source);
  }

  /**
   * A task span around an existing Mono.
   *
   * @param name the span's name
   * @param source the Mono to trace
   * @param <T> the value type
   * @return a task span around an existing Mono
   */
  public <T> Mono<T> mono(String name, Mono<T> source) {
    return mono(name, SpanType.TASK, span -> source);
  }

  /**
   * A Flux that opens a span per subscription and ends it on complete, error or cancel; see {@link
   * #mono(String, SpanType, Function)}.
   *
   * @param name the span's name
   * @param type the span's type
   * @param body builds the Flux, given the span
   * @param <T> the element type
   * @return a Flux that opens a span per subscription and ends it on complete, error or cancel; see
   *     {@link #mono(String, SpanType, Function)}
   */
  public <T> Flux<T> flux(
      String name, SpanType type, Function<? super Span, ? extends Flux<T>> body) {
    return Flux.deferContextual(
        ctx ->
            traced(
                ctx,
                name,
                type,
                body,
                Flux::error,
                (source, span) ->
                    SignalWatch.flux(source, sub -> SpanSignals.<T>flux(span))
                        .contextWrite(c -> Tracing.withSpan(c, span))));
  }

  /**
   * Opens a span under the context's current one and builds the body's publisher with the span
   * current, so spans started while assembling it are its children; a body that throws ends the
   * span with the error.
   */
  private <P> P traced(
      ContextView ctx,
      String name,
      SpanType type,
      Function<? super Span, ? extends P> body,
      Function<Throwable, P> failed,
      BiFunction<P, Span, P> watch) {
    Span span = startSpan(name, type, Tracing.currentSpan(ctx));
    P source;
    try (Scope ignored = span.makeCurrent()) {
      source = Objects.requireNonNull(body.apply(span), "body returned null");
    } catch (Throwable t) {
      span.error(t);
      span.end();
      return failed.apply(t);
    }
    return watch.apply(source, span);
  }

  /**
   * Like {@link #flux(String, SpanType, Function)} around an existing Flux.
   *
   * @param name the span's name
   * @param type the span's type
   * @param source the Flux to trace
   * @param <T> the element type
   * @return like {@link #flux(String, SpanType, Function)} around an existing Flux
   */
  public <T> Flux<T> flux(String name, SpanType type, Flux<T> source) {
    return flux(name, type, span -> source);
  }

  /**
   * A task span around an existing Flux.
   *
   * @param name the span's name
   * @param source the Flux to trace
   * @param <T> the element type
   * @return a task span around an existing Flux
   */
  public <T> Flux<T> flux(String name, Flux<T> source) {
    return flux(name, SpanType.TASK, span -> source);
  }

  /**
   * Runs {@code body} now with a new span current and ends the span when the returned future
   * completes. Use {@link Tracing#wrap(java.util.concurrent.Executor)} for async stages that start
   * child spans on other threads.
   *
   * @param <T> the future's result type
   * @param name the span's name
   * @param type the span's type
   * @param body starts the work, given the span
   * @return the future {@code body} returned
   */
  public <T> CompletableFuture<T> future(
      String name, SpanType type, Function<? super Span, ? extends CompletableFuture<T>> body) {
    Span span = startSpan(name, type);
    CompletableFuture<T> future;
    try (Scope ignored = span.makeCurrent()) {
      future = Objects.requireNonNull(body.apply(span), "body returned null");
    } catch (Throwable t) {
      span.error(t);
      span.end();
      return CompletableFuture.failedFuture(t);
    }
    return future.whenComplete(
        (v, e) -> {
          if (e != null) {
            span.error(unwrap(e));
          }
          span.end();
        });
  }

  /**
   * Runs blocking {@code body} in a new current span, recording any exception, and returns.
   *
   * @param <T> the result type
   * @param name the span's name
   * @param type the span's type
   * @param body the work, given the span
   * @return what {@code body} returned
   * @throws Exception what {@code body} threw
   */
  public <T> T call(String name, SpanType type, SpanFunction<T> body) throws Exception {
    Span span = startSpan(name, type);
    try (Scope ignored = span.makeCurrent()) {
      return body.apply(span);
    } catch (Exception | Error e) {
      span.error(e);
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * Returns a proxy of {@code target} that traces the methods marked {@link Traced} (on the
   * interface, or on the whole interface type). Other methods pass straight through.
   *
   * @param <T> the interface type
   * @param iface the interface to proxy
   * @param target the implementation to call
   * @return the tracing proxy
   * @throws IllegalArgumentException when {@code iface} is not an interface
   */
  public <T> T instrument(Class<T> iface, T target) {
    Objects.requireNonNull(target, "target");
    if (!iface.isInterface()) {
      throw new IllegalArgumentException(
          iface.getName() + " is not an interface; @Traced proxies need an interface");
    }
    Object proxy =
        Proxy.newProxyInstance(
            iface.getClassLoader(),
            new Class<?>[] {iface},
            new TracedInvocationHandler(this, iface, target));
    return iface.cast(proxy);
  }

  private static Throwable unwrap(Throwable e) {
    if ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      return e.getCause();
    }
    return e;
  }

  /**
   * A body that receives its span and may throw.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  public interface SpanFunction<T> {
    /**
     * Runs with the span current.
     *
     * @param span the current span
     * @return the result
     * @throws Exception to fail the span and the call
     */
    T apply(Span span) throws Exception;
  }
}
