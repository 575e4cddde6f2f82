package dev.braintrust.reactive.eval;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One case of an eval: the task's input, the output expected of it (null when there is none),
 * metadata and tags written on its row, and where it came from (null for inline cases).
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public record EvalCase<I, O>(
    I input,
    @Nullable O expected,
    Map<String, Object> metadata,
    List<String> tags,
    @Nullable RowOrigin origin) {

  /** Copies the collections. */
  public EvalCase {
    Objects.requireNonNull(input, "input");
    metadata = Map.copyOf(metadata);
    tags = List.copyOf(tags);
  }

  /** A case without an origin. */
  public EvalCase(I input, @Nullable O expected, Map<String, Object> metadata, List<String> tags) {
    this(input, expected, metadata, tags, null);
  }

  /** A case with an input and an expected output. */
  public static <I, O> EvalCase<I, O> of(I input, @Nullable O expected) {
    return new EvalCase<>(input, expected, Map.of(), List.of());
  }

  /** A case with only an input. */
  public static <I, O> EvalCase<I, O> of(I input) {
    return new EvalCase<>(input, null, Map.of(), List.of());
  }
}
