package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** User-Agent, org name and extra headers arrive with every kind of request. */
@ExtendWith(BraintrustTestServerExtension.class)
class IdentificationTest {
  static final Duration T = Duration.ofSeconds(10);
  static final String USER_AGENT =
      "braintrust-reactive-java/0.1.0-SNAPSHOT Java/" + System.getProperty("java.version");

  @Test
  void everyRequestKindCarriesTheIdentifyingHeaders(BraintrustTestServer server) {
    server.createFunction("ident", "echo");
    BraintrustClient client =
        BraintrustClient.builder()
            .apiKey(server.apiKey())
            .baseUrl(server.baseUrl())
            .orgName(" " + server.orgName() + "\n")
            .header("X-Gateway-Route", "eu-1")
            .header("x-gateway-route", "eu-2")
            .header("X-Team", "ml-platform")
            .build();

    client.insert(Destination.projectLogsByName("ident"), ClientSecurityTest.batch("a")).block(T);
    client.projects().list(ListQuery.all().name("ident")).collectList().block(T);
    assertThat(client.invokeStream("ident", "echo", "hi").collectList().block(T)).isNotEmpty();

    List<RecordedRequest> requests = server.requests();
    assertThat(requests)
        .extracting(r -> r.method() + " " + r.path())
        .contains(
            "POST /v1/project",
            "GET /v1/project",
            "GET /v1/function",
            "POST /v1/project_logs/" + server.projectId("ident") + "/insert")
        .anyMatch(s -> s.matches("POST /v1/function/.+/invoke"));
    assertThat(requests)
        .allSatisfy(
            r -> {
              assertThat(r.header("User-Agent")).isEqualTo(USER_AGENT);
              assertThat(r.header("x-bt-org-name")).isEqualTo(server.orgName());
              assertThat(r.header("X-Gateway-Route")).isEqualTo("eu-2");
              assertThat(r.header("X-Team")).isEqualTo("ml-platform");
              assertThat(r.header("x-bt-impersonate-user")).isNull();
            });
    // Spec, CreateProject: org_name picks the organisation for a key that spans several.
    assertThat(server.requests("/v1/project").get(0).json().path("org_name").asText())
        .isEqualTo(server.orgName());
    client.close();
  }

  @Test
  void withoutOptionsOnlyTheUserAgentIsAdded(BraintrustTestServer server) {
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();

    client.insert(Destination.projectLogsByName("plain"), ClientSecurityTest.batch("a")).block(T);

    assertThat(server.requests())
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.header("User-Agent")).isEqualTo(USER_AGENT);
              assertThat(r.header("x-bt-org-name")).isNull();
            });
    assertThat(server.requests("/v1/project").get(0).json().has("org_name")).isFalse();
    client.close();
  }
}
