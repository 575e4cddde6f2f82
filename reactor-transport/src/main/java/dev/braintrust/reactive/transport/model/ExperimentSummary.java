package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An experiment's summary, from {@code GET /v1/experiment/{id}/summarize} or {@code POST /v1/eval}:
 * each score's mean, and its difference to the comparison experiment when there is one.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExperimentSummary(
    @Nullable String projectName,
    @Nullable String experimentName,
    @Nullable String projectUrl,
    @Nullable String experimentUrl,
    @Nullable String comparisonExperimentName,
    @Nullable Map<String, ScoreSummary> scores,
    @Nullable Map<String, Object> metrics) {

  /** One score across the experiment: its mean and, against the comparison, diff and counts. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ScoreSummary(
      String name,
      double score,
      @Nullable Double diff,
      @Nullable Long improvements,
      @Nullable Long regressions) {}
}
