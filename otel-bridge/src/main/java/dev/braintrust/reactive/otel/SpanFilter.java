package dev.braintrust.reactive.otel;

import dev.braintrust.reactive.otel.internal.SpanMapper;
import io.opentelemetry.api.common.Attributes;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which OpenTelemetry spans to send to Braintrust. Root spans are always kept so every trace has a
 * root; with the {@link BraintrustSpanProcessor}, kept spans whose parents were dropped are
 * re-parented to their nearest kept ancestor, so links stay valid.
 */
public final class SpanFilter {
  private static final SpanFilter ALL = new SpanFilter(false, n -> true);
  private static final SpanFilter AI = new SpanFilter(true, n -> false);

  private final boolean aiOnly;
  private final Predicate<String> names;

  private SpanFilter(boolean aiOnly, Predicate<String> names) {
    this.aiOnly = aiOnly;
    this.names = names;
  }

  /**
   * Every span.
   *
   * @return every span
   */
  public static SpanFilter all() {
    return ALL;
  }

  /**
   * Spans with an attribute under a prefix {@code filter-ai-spans.md} lists ({@code gen_ai.},
   * {@code braintrust.} but for the system attributes {@code braintrust.parent}/{@code org}/{@code
   * app_url}, {@code llm.}, {@code ai.}, {@code traceloop.}) or OpenInference's, and roots.
   *
   * @return AI spans and roots
   */
  public static SpanFilter aiSpans() {
    return AI;
  }

  /**
   * This filter, also keeping spans whose name matches.
   *
   * @param predicate tested against each span name
   * @return a filter keeping what this one keeps and spans whose name matches
   */
  public SpanFilter orNameMatches(Predicate<String> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return new SpanFilter(true, names.or(predicate));
  }

  /** Whether everything passes. */
  boolean keepsAll() {
    return !aiOnly;
  }

  /**
   * Whether a span with this name and these attributes is kept.
   *
   * @param name the span's name
   * @param attributes the span's attributes
   * @param root whether the span is a root
   * @return whether the span is kept
   */
  public boolean keep(String name, Attributes attributes, boolean root) {
    return !aiOnly || root || names.test(name) || SpanMapper.isAiSpan(attributes, name);
  }
}
