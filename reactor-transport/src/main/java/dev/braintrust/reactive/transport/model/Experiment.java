package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An experiment, as {@code /v1/experiment} returns it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Experiment(
    String id,
    String projectId,
    String name,
    @Nullable String description,
    @Nullable String created,
    @Nullable Map<String, Object> repoInfo,
    @Nullable String baseExpId,
    @Nullable String datasetId,
    @JsonProperty("public") boolean isPublic,
    @Nullable Map<String, Object> metadata) {}
