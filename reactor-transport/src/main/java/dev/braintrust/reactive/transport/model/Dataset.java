package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A dataset, as {@code /v1/dataset} returns it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Dataset(
    String id,
    @Nullable String projectId,
    String name,
    @Nullable String description,
    @Nullable String created,
    @Nullable String userId,
    @Nullable Map<String, Object> metadata) {}
