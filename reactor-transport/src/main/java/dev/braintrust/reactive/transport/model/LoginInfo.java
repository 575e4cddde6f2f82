package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code POST /api/apikey/login} says of an API key: the organizations it belongs to.
 *
 * @param orgInfo the key's organizations
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LoginInfo(List<OrgInfo> orgInfo) {

  /** Never null. */
  public LoginInfo {
    orgInfo = orgInfo == null ? List.of() : List.copyOf(orgInfo);
  }

  /**
   * The organization named {@code name}, or the first one when {@code name} is null.
   *
   * @param name the organization's name, or null for the first
   * @return the organization, or null when there is none of that name
   */
  public @Nullable OrgInfo org(@Nullable String name) {
    for (OrgInfo o : orgInfo) {
      if (name == null || Objects.equals(o.name(), name)) {
        return o;
      }
    }
    return null;
  }

  /**
   * One organization of the key.
   *
   * @param id the organization's id
   * @param name the organization's name, as it appears in app URLs
   * @param apiUrl the API URL it uses, when it has its own data plane
   * @param proxyUrl the AI proxy URL it uses
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record OrgInfo(
      String id, String name, @Nullable String apiUrl, @Nullable String proxyUrl) {}
}
