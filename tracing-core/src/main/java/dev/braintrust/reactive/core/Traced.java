package dev.braintrust.reactive.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks interface methods (or a whole interface) to trace when the object is instrumented with
 * {@link Tracer#instrument(Class, Object)}, and methods (or a whole class) of Spring beans when the
 * Spring Boot starter is present. Both run the call through {@link TracedMethod}.
 *
 * <p>Arguments become the span's {@code input} (by parameter name when compiled with {@code
 * -parameters}), the result its {@code output}. Methods returning {@code Mono}, {@code Flux} or
 * {@code CompletableFuture} end their span when the result completes, errors or is cancelled.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Traced {
  /**
   * The span name; defaults to {@code SimpleInterfaceName.method}.
   *
   * @return the span name; defaults to {@code SimpleInterfaceName.method}
   */
  String name() default "";

  /**
   * The span type.
   *
   * @return the span type
   */
  SpanType type() default SpanType.TASK;

  /**
   * Whether arguments are logged as input.
   *
   * @return whether arguments are logged as input
   */
  boolean captureArguments() default true;

  /**
   * Whether the result is logged as output.
   *
   * @return whether the result is logged as output
   */
  boolean captureResult() default true;

  /** Keeps a parameter (a password, a token) out of the logged input. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  @interface Exclude {}
}
