package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/organization}, {@code GET /v1/user}, {@code PATCH /v1/organization/members}. */
@ExtendWith(BraintrustTestServerExtension.class)
class OrgRoutesTest {

  @Test
  void theOrganizationIsTheSeededOneServedFromThisServer(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res orgs = http.get("/v1/organization");

    assertThat(orgs.each("id")).containsExactly(server.orgId());
    JsonNode org = orgs.json().get("objects").get(0);
    assertThat(org.get("name").asText()).isEqualTo(server.orgName());
    assertThat(org.get("api_url").asText()).isEqualTo(server.baseUrl());
    assertThat(org.get("proxy_url").asText()).isEqualTo(server.baseUrl());
    assertThat(org.has("created")).isTrue();
    assertThat(http.get("/v1/organization?org_name=testkit").each("id"))
        .containsExactly(server.orgId());
    assertThat(http.get("/v1/organization?org_name=other").each("id")).isEmpty();
    assertThat(http.get("/v1/organization?name=testkit").error(400))
        .isEqualTo("unknown query parameter 'name' for GET /v1/organization");
  }

  @Test
  void theKeysOwnerIsAUserFoundByEmail(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res byEmail = http.get("/v1/user?email=test-user%40example.com");

    assertThat(byEmail.each("id")).containsExactly(server.userId());
    JsonNode user = byEmail.json().get("objects").get(0);
    assertThat(user.get("given_name").asText()).isEqualTo("Test");
    assertThat(user.get("family_name").asText()).isEqualTo("User");
    assertThat(user.get("avatar_url").isNull()).isTrue();
    assertThat(http.get("/v1/user").each("id")).contains(server.userId());
    assertThat(http.get("/v1/user?email=nobody%40example.com").each("id")).isEmpty();
    assertThat(http.get("/v1/user?org_name=other").each("id")).isEmpty();
    assertThat(http.get("/v1/user?given_name=Test").error(400))
        .isEqualTo("unknown query parameter 'given_name' for GET /v1/user");
  }

  @Test
  void invitingByEmailAddsAUserAndRemovingTakesThemAway(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res invited =
        http.patch(
            "/v1/organization/members",
            "{\"org_name\":\"testkit\",\"invite_users\":{\"emails\":[\"ann@example.com\"]}}");
    JdkHttp.Res again =
        http.patch(
            "/v1/organization/members", "{\"invite_users\":{\"emails\":[\"ann@example.com\"]}}");
    String annId = http.get("/v1/user?email=ann%40example.com").each("id").get(0);
    JdkHttp.Res removed =
        http.patch(
            "/v1/organization/members",
            "{\"org_id\":\""
                + server.orgId()
                + "\",\"remove_users\":{\"ids\":[\""
                + annId
                + "\"]}}");

    assertThat(invited.status()).isEqualTo(200);
    assertThat(invited.json().isObject()).isTrue();
    assertThat(again.status()).isEqualTo(200);
    assertThat(removed.status()).isEqualTo(200);
    assertThat(http.get("/v1/user?email=ann%40example.com").each("id")).isEmpty();
    assertThat(http.get("/v1/user").each("id")).contains(server.userId()).doesNotContain(annId);
  }

  @Test
  void aBadMembershipChangeIsRejectedAndChangesNothing(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);

    assertThat(
            http.patch(
                    "/v1/organization/members",
                    "{\"invite_users\":{\"emails\":[\"bob@example.com\"],\"ids\":[\"nope\"]}}")
                .error(404))
        .isEqualTo("user 'nope' not found");
    assertThat(
            http.patch(
                    "/v1/organization/members",
                    "{\"invite_users\":{\"emails\":[\"bob@example.com\"],\"group_names\":[\"Nobody\"]}}")
                .error(404))
        .isEqualTo("group 'Nobody' not found");
    assertThat(http.patch("/v1/organization/members", "{\"org_name\":\"other\"}").error(404))
        .isEqualTo("organization 'other' not found");
    assertThat(http.patch("/v1/organization/members", "{\"invite_users\":[]}").error(400))
        .isEqualTo("'invite_users' must be an object");
    assertThat(
            http.patch("/v1/organization/members", "{\"remove_users\":{\"emails\":\"bob\"}}")
                .error(400))
        .isEqualTo("'remove_users.emails' must be an array of strings");
    assertThat(http.get("/v1/user?email=bob%40example.com").each("id")).isEmpty();
  }
}
