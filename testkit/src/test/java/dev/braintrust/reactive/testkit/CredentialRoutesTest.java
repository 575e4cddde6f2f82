package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /v1/api_key}, {@code /v1/ai_secret} and {@code POST /v1/proxy/credentials}. */
@ExtendWith(BraintrustTestServerExtension.class)
class CredentialRoutesTest {

  private static final String CHAT =
      "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void theServersKeyIsListedWithoutItsValueAndCanBeDeleted() throws Exception {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      JdkHttp http = new JdkHttp(server);

      JdkHttp.Res keys = http.get("/v1/api_key");
      String id = keys.each("id").get(0);
      JdkHttp.Res one = http.get("/v1/api_key/" + id);
      JdkHttp.Res deleted = http.delete("/v1/api_key/" + id);

      assertThat(keys.each("id")).hasSize(1);
      assertThat(one.get("preview_name")).isEqualTo("...-key");
      assertThat(one.get("user_id")).isEqualTo(server.userId());
      assertThat(one.get("org_id")).isEqualTo(server.orgId());
      assertThat(one.text()).doesNotContain(server.apiKey());
      assertThat(deleted.get("id")).isEqualTo(id);
      assertThat(http.get("/v1/api_key/" + id).error(404))
          .isEqualTo("api_key '" + id + "' not found");
      assertThat(http.get("/v1/api_key").each("id")).isEmpty();
      assertThat(http.delete("/v1/api_key/nope").error(404)).isEqualTo("api_key 'nope' not found");
    }
  }

  @Test
  void anAiSecretNeverShowsItsValue(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res created =
        http.post(
            "/v1/ai_secret",
            "{\"name\":\"OPENAI_API_KEY\",\"type\":\"openai\",\"secret\":\"sk-very-secret\",\"metadata\":{\"region\":\"us\"}}");
    JdkHttp.Res again =
        http.post("/v1/ai_secret", "{\"name\":\"OPENAI_API_KEY\",\"secret\":\"sk-other\"}");
    http.post("/v1/ai_secret", "{\"name\":\"ANTHROPIC_API_KEY\",\"type\":\"anthropic\"}");
    JdkHttp.Res listed = http.get("/v1/ai_secret");

    assertThat(created.get("name")).isEqualTo("OPENAI_API_KEY");
    assertThat(created.get("type")).isEqualTo("openai");
    assertThat(created.get("org_id")).isEqualTo(server.orgId());
    assertThat(created.json().get("metadata").get("region").asText()).isEqualTo("us");
    assertThat(created.json().has("secret")).isFalse();
    assertThat(created.text()).doesNotContain("sk-very-secret");
    assertThat(again.get("id")).isEqualTo(created.get("id"));
    assertThat(listed.each("name")).containsExactly("OPENAI_API_KEY", "ANTHROPIC_API_KEY");
    assertThat(listed.text()).doesNotContain("sk-");
    assertThat(http.get("/v1/ai_secret?ai_secret_type=anthropic").each("name"))
        .containsExactly("ANTHROPIC_API_KEY");
    assertThat(http.post("/v1/ai_secret", "{\"type\":\"openai\"}").error(400))
        .isEqualTo("'name' is required");
    assertThat(http.post("/v1/ai_secret", "{\"name\":\"X\",\"secret\":42}").error(400))
        .isEqualTo("'secret' must be a string");
  }

  @Test
  void aTemporaryCredentialIsASignedJwtThatOnlyTheProxyAccepts(BraintrustTestServer server)
      throws Exception {
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res minted =
        http.post(
            "/v1/proxy/credentials",
            "{\"ttl_seconds\":60,\"model\":\"gpt-4o\",\"logging\":{\"project_name\":\"p\"}}");

    String key = minted.get("key");
    String[] parts = key.split("\\.");
    assertThat(parts).hasSize(3);
    JsonNode claims = JdkHttp.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(claims.get("aud").asText()).isEqualTo("braintrust_proxy");
    assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(60);
    assertThat(claims.get("bt").get("model").asText()).isEqualTo("gpt-4o");
    assertThat(claims.get("bt").get("logging").get("project_name").asText()).isEqualTo("p");
    JdkHttp temporary = http.withKey(key);
    assertThat(temporary.post("/v1/proxy/chat/completions", CHAT).status()).isEqualTo(200);
    assertThat(temporary.get("/v1/project").error(401)).isEqualTo("invalid API key");
    assertThat(temporary.post("/v1/proxy/credentials", "{}").error(401))
        .isEqualTo("invalid API key");
    assertThat(http.withKey(key + "x").post("/v1/proxy/chat/completions", CHAT).status())
        .isEqualTo(401);
  }

  @Test
  void credentialBodiesFollowTheSchema(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);

    assertThat(http.post("/v1/proxy/credentials", "{}").get("key")).isNotBlank();
    assertThat(http.post("/v1/proxy/credentials", "{\"ttl_seconds\":0}").error(400))
        .isEqualTo("'ttl_seconds' must be a positive integer");
    assertThat(http.post("/v1/proxy/credentials", "{\"ttl_seconds\":\"60\"}").error(400))
        .isEqualTo("'ttl_seconds' must be an integer");
    assertThat(http.post("/v1/proxy/credentials", "{\"logging\":true}").error(400))
        .isEqualTo("'logging' must be an object");
    assertThat(http.post("/v1/proxy/credentials", "{\"model\":[]}").error(400))
        .isEqualTo("'model' must be a string");
  }
}
