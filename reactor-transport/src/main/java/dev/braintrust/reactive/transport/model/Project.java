package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A project, as {@code /v1/project} returns it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Project(
    String id,
    @Nullable String orgId,
    String name,
    @Nullable String created,
    @Nullable String deletedAt,
    @Nullable String userId,
    @Nullable Map<String, Object> settings) {}
