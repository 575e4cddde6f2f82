package dev.braintrust.reactive.eval;

import dev.braintrust.reactive.eval.internal.SummaryTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What an eval run produced: each score's average over the cases, its change against the base
 * experiment when there is one, error counts, the duration and where to see the experiment.
 *
 * @param cases case runs (cases times trials)
 * @param taskErrors case runs whose task failed or timed out
 * @param timeouts of those, the ones that timed out
 * @param scorerErrors scorer calls that failed
 * @param classifierErrors classifier calls that failed
 * @param classifications per classification key, how many case runs got each id
 * @param warnings what the run went on despite (a missing base experiment)
 * @param undelivered what was not (or could not be known to be) delivered when the run completed:
 *     case rows the server refused, task spans whose exporter did not confirm them; empty when all
 *     arrived
 */
public record EvalResult(
    String projectName,
    String experimentName,
    String experimentId,
    @Nullable String experimentUrl,
    @Nullable String baseExperimentName,
    Map<String, ScoreStats> scores,
    int cases,
    int taskErrors,
    int timeouts,
    int scorerErrors,
    int classifierErrors,
    Map<String, Map<String, Integer>> classifications,
    List<String> warnings,
    List<String> undelivered,
    Duration duration) {

  /** Copies the collections, keeping their order. */
  public EvalResult {
    scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    classifications = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(classifications));
    warnings = List.copyOf(warnings);
    undelivered = List.copyOf(undelivered);
  }

  /** Throws an {@link AssertionError} listing what was not delivered, if anything. */
  public EvalResult assertDelivered() {
    if (!undelivered.isEmpty()) {
      throw new AssertionError(
          "not delivered from " + experimentName + ": " + String.join("; ", undelivered));
    }
    return this;
  }

  /**
   * One score across the run: the mean over the cases that scored it, and against the base
   * experiment the difference and how many cases improved or regressed (null without a base).
   */
  public record ScoreStats(
      String name,
      double mean,
      int count,
      @Nullable Double diff,
      @Nullable Long improvements,
      @Nullable Long regressions) {}

  /** The summary as a console table, one row per score. */
  public String toTable() {
    return SummaryTable.render(this);
  }

  /**
   * Throws an {@link AssertionError} (a test failure under JUnit) naming the score when its mean is
   * under {@code min}, or when no case produced it.
   */
  public EvalResult assertScoreAtLeast(String score, double min) {
    String failure = check(score, min);
    if (failure != null) {
      throw new AssertionError(failure);
    }
    return this;
  }

  /** Throws an {@link AssertionError} when any task failed or timed out. */
  public EvalResult assertNoTaskErrors() {
    if (taskErrors > 0) {
      throw new AssertionError(
          taskErrors + " of " + cases + " case runs failed (" + timeouts + " timed out)");
    }
    return this;
  }

  /**
   * One JUnit 5 dynamic test per threshold, for a {@code @TestFactory}: each passes when its
   * score's mean reaches the threshold. Needs junit-jupiter-api on the classpath.
   */
  public Stream<org.junit.jupiter.api.DynamicTest> dynamicTests(Map<String, Double> thresholds) {
    List<org.junit.jupiter.api.DynamicTest> tests = new ArrayList<>();
    thresholds.forEach(
        (score, min) ->
            tests.add(
                org.junit.jupiter.api.DynamicTest.dynamicTest(
                    score + " >= " + min, () -> assertScoreAtLeast(score, min))));
    return tests.stream();
  }

  private @Nullable String check(String score, double min) {
    ScoreStats s = scores.get(score);
    if (s == null || s.count() == 0) {
      return "no case produced score '" + score + "' in " + experimentName;
    }
    if (s.mean() < min) {
      return String.format(
          "score '%s' averaged %.4f over %d cases in %s, under the threshold %.4f",
          score, s.mean(), s.count(), experimentName, min);
    }
    return null;
  }
}
