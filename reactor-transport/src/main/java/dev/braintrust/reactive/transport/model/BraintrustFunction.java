package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A function (prompt, tool, scorer or task), as {@code /v1/function} returns it. Named so it does
 * not clash with {@link java.util.function.Function}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BraintrustFunction(
    String id,
    String projectId,
    String name,
    String slug,
    @Nullable String description,
    @Nullable String created,
    @Nullable String functionType,
    @Nullable Map<String, Object> functionData,
    @Nullable PromptData promptData,
    @Nullable Map<String, Object> functionSchema) {}
