package dev.braintrust.reactive.eval.internal;

import dev.braintrust.reactive.eval.RowOrigin;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How one case run went: its scores (a null value means "not applicable"), the ids of its
 * classifications by key, whether the task failed or timed out, how many scorers and classifiers
 * failed, the eval span's id, the output and the case's origin.
 */
public record CaseOutcome(
    Map<String, Double> scores,
    Map<String, List<String>> classifications,
    boolean taskFailed,
    boolean timedOut,
    int scorerErrors,
    int classifierErrors,
    String evalSpanId,
    @Nullable Object output,
    @Nullable RowOrigin origin) {}
