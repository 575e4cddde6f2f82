package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A prompt's template, model and parameters: {@code prompt} holds the chat messages or completion
 * template, {@code options} the model and its parameters.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PromptData(
    @Nullable Map<String, Object> prompt,
    @Nullable Map<String, Object> options,
    @Nullable Map<String, Object> parser,
    @Nullable List<Map<String, Object>> toolFunctions) {}
