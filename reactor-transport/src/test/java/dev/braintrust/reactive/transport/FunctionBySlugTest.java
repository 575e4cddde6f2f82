package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * Invoking by project name and slug the way the spec allows: {@code GET /v1/project} and {@code GET
 * /v1/function?project_id=&slug=} find the id, {@code POST /v1/function/{id}/invoke} runs it
 * ({@code POST /v1/function} would create one).
 */
class FunctionBySlugTest {
  static final Duration T = Duration.ofSeconds(10);
  static final String LOOKUP = "GET /v1/function?slug=sum&project_name=My%20Project";

  /** One function, {@code sum} in "My Project", echoing its input; anything else is not found. */
  static StubServer server() throws Exception {
    return new StubServer(
        r -> {
          if (r.rawUri().equals("/v1/function?slug=sum&project_name=My%20Project")) {
            return StubServer.Reply.json(
                200, "{\"objects\":[{\"id\":\"fn-9\",\"slug\":\"sum\",\"project_id\":\"p1\"}]}");
          }
          if (r.rawUri().startsWith("/v1/function?")) {
            // Like a server that ignores the project filter: someone else's function, another slug.
            return StubServer.Reply.json(
                200, "{\"objects\":[{\"id\":\"fn-1\",\"slug\":\"other\"}]}");
          }
          if (r.method().equals("POST") && r.rawUri().equals("/v1/function/fn-9/invoke")) {
            JsonNode body = r.json();
            String out = "{\"output\":" + body.get("input") + "}";
            if (body.path("stream").asBoolean()) {
              return StubServer.Reply.of(
                  200, "text/event-stream", "data: " + out + "\n\ndata: [DONE]\n\n");
            }
            return StubServer.Reply.json(200, out);
          }
          return StubServer.Reply.json(404, "{\"error\":\"no route\"}");
        });
  }

  static BraintrustClient client(StubServer server) {
    return BraintrustClient.builder().apiKey("test-key").baseUrl(server.baseUrl()).build();
  }

  @Test
  void theSlugIsLookedUpOnceThenEveryCallInvokesById() throws Exception {
    try (StubServer server = server()) {
      BraintrustClient client = client(server);

      JsonNode first = client.invoke("My Project", "sum", Map.of("text", "a")).block(T);
      JsonNode second = client.invoke("My Project", "sum", Map.of("text", "b")).block(T);
      List<JsonNode> streamed =
          client.invokeStream("My Project", "sum", "c").collectList().block(T);

      assertThat(first.get("output").get("text").asText()).isEqualTo("a");
      assertThat(second.get("output").get("text").asText()).isEqualTo("b");
      assertThat(streamed)
          .singleElement()
          .satisfies(n -> assertThat(n.get("output").asText()).isEqualTo("c"));
      assertThat(server.requests)
          .extracting(StubServer.Request::toString)
          .containsExactly(
              LOOKUP,
              "POST /v1/function/fn-9/invoke",
              "POST /v1/function/fn-9/invoke",
              "POST /v1/function/fn-9/invoke");
      assertThat(server.requests.get(1).json()).hasToString("{\"input\":{\"text\":\"a\"}}");
      assertThat(server.requests.get(3).json()).hasToString("{\"input\":\"c\",\"stream\":true}");
      client.close();
    }
  }

  @Test
  void anUnknownSlugIsAClearErrorAndIsLookedUpAgainNextTime() throws Exception {
    try (StubServer server = server()) {
      BraintrustClient client = client(server);

      for (int i = 0; i < 2; i++) {
        StepVerifier.create(client.invoke("My Project", "missing", "x"))
            .expectErrorSatisfies(
                e ->
                    assertThat(e)
                        .isInstanceOf(BraintrustException.class)
                        .hasMessage("no function with slug 'missing' in project 'My Project'"))
            .verify(T);
      }
      StepVerifier.create(client.invokeStream("My Project", "missing", "x"))
          .expectErrorMessage("no function with slug 'missing' in project 'My Project'")
          .verify(T);

      assertThat(server.requests)
          .extracting(StubServer.Request::toString)
          .containsOnly("GET /v1/function?slug=missing&project_name=My%20Project")
          .hasSize(3);
      client.close();
    }
  }
}
