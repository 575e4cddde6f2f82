package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.jspecify.annotations.Nullable;

/**
 * A score configured on a project: {@code scoreType} is one of slider, categorical, weighted,
 * minimum, maximum or online; {@code categories} configures categorical scores.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProjectScore(
    String id,
    String projectId,
    String name,
    @Nullable String description,
    String scoreType,
    @Nullable JsonNode categories,
    @Nullable String created) {}
