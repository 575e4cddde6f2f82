package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.jspecify.annotations.Nullable;

/**
 * An access-control entry: a user or group granted a permission or a role on an object ({@code
 * objectType} such as {@code project}, and its id).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Acl(
    String id,
    String objectType,
    String objectId,
    @Nullable String userId,
    @Nullable String groupId,
    @Nullable String permission,
    @Nullable String roleId,
    @Nullable String restrictObjectType,
    @Nullable String created) {}
