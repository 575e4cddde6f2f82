package dev.braintrust.reactive.eval.internal;

import java.util.Map;

/**
 * How one case run went: its scores (a null value means "not applicable"), whether the task failed
 * or timed out, and how many scorers failed.
 */
public record CaseOutcome(
    Map<String, Double> scores, boolean taskFailed, boolean timedOut, int scorerErrors) {}
