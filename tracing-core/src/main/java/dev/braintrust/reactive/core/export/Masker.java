package dev.braintrust.reactive.core.export;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites user values before an event is buffered (and before it reaches a disk spool), to keep
 * secrets and personal data out of Braintrust. Called on the thread that logs the event, once per
 * non-null value: {@code input}, {@code output}, {@code expected}, and each metadata entry as
 * {@code metadata.KEY}. A masker that throws gets its value replaced by {@link #FAILED} and the
 * failure counted in {@code braintrust.events.masking_failures}; nothing is thrown to the caller.
 *
 * <pre>{@code
 * BraintrustExporter.builder(transport)
 *     .masker((field, value) -> value instanceof String s ? EMAIL.matcher(s).replaceAll("<email>") : value)
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface Masker {
  /** What a value becomes when its masker threw. */
  String FAILED = "<masking failed>";

  /**
   * The value to keep instead of {@code value} (the value itself to leave it unchanged).
   *
   * @param field {@code input}, {@code output}, {@code expected} or {@code metadata.KEY}
   * @param value the value as logged, never null
   */
  @Nullable Object mask(String field, Object value) throws Exception;

  /** A masker applying {@code function} to every value, whatever its field. */
  static Masker of(Function<Object, @Nullable Object> function) {
    java.util.Objects.requireNonNull(function, "mask");
    return (field, value) -> function.apply(value);
  }
}
