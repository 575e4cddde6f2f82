package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.internal.EventEncoder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.StepVerifier;

/** Replies a real server shouldn't send, from a JDK server, and what the client makes of them. */
class ServerMisbehaviourTest {
  static final Duration T = Duration.ofSeconds(10);
  static final Destination D = Destination.projectLogs("p");

  static EncodedBatch batch(String id) {
    return EncodedBatch.of(
        List.of(new EventEncoder().encode(BraintrustEvent.builder(D, id).input(1).build()).json()));
  }

  static BraintrustClient client(StubServer server) {
    return BraintrustClient.builder()
        .apiKey("test-key")
        .baseUrl(server.baseUrl())
        .backoff(Duration.ofMillis(1), Duration.ofMillis(2))
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "an HTML page | text/html | <!DOCTYPE html><html><body>Sign in to continue</body></html>"
            + " | text/html: <!DOCTYPE html><html><body>Sign in to continue</body></html>",
        "JSON without row_ids | application/json | {\"ok\":true} | application/json: {\"ok\":true}",
        "an empty body | application/json | '' | an empty body"
      })
  void aSuccessStatusWithoutAnInsertResponseIsAFailureNotADelivery(
      String what, String contentType, String body, String shown) throws Exception {
    try (StubServer server = new StubServer(r -> StubServer.Reply.of(200, contentType, body))) {
      BraintrustClient client = client(server);

      StepVerifier.create(client.insert(D, batch("a")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e)
                    .isInstanceOf(BraintrustApiException.class)
                    .hasMessage(
                        "POST /v1/project_logs/p/insert failed with status 200: expected an insert response with"
                            + " 'row_ids', got "
                            + shown);
                assertThat(((BraintrustApiException) e).isRetryable()).isFalse();
              })
          .verify(T);
      assertThat(server.requests).hasSize(1);
      client.close();
    }
  }

  @Test
  void aLongUnexpectedBodyIsCutShortInTheMessage() throws Exception {
    String page = "<html>" + "x".repeat(5000) + "</html>";
    try (StubServer server = new StubServer(r -> StubServer.Reply.of(200, "text/html", page))) {
      BraintrustClient client = client(server);

      Throwable e = client.insert(D, batch("a")).materialize().block(T).getThrowable();

      assertThat(e.getMessage()).hasSizeLessThan(500).endsWith("... (5013 characters)");
      client.close();
    }
  }

  @Test
  void fetchEndsWithAnErrorNamingTheCursorWhenTheServerRepeatsIt() throws Exception {
    try (StubServer server =
        new StubServer(
            r ->
                StubServer.Reply.json(200, "{\"events\":[{\"id\":\"r1\"}],\"cursor\":\"c-42\"}"))) {
      BraintrustClient client = client(server);

      StepVerifier.create(client.rows(D).fetch(FetchQuery.all().pageSize(10)))
          .expectNextCount(1)
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(BraintrustException.class)
                      .hasMessage(
                          "fetch /v1/project_logs/p/fetch: the server returned cursor 'c-42' a second time;"
                              + " stopping rather than asking for the same rows again"))
          .verify(T);
      assertThat(server.requests).hasSize(2);
      assertThat(server.requests.get(1).json().get("cursor").asText()).isEqualTo("c-42");
      client.close();
    }
  }

  @Test
  void fetchEndsWithAnErrorWhenACursorComesWithAnEmptyPage() throws Exception {
    try (StubServer server =
        new StubServer(r -> StubServer.Reply.json(200, "{\"events\":[],\"cursor\":\"c-7\"}"))) {
      BraintrustClient client = client(server);

      StepVerifier.create(client.rows(D).fetch())
          .expectErrorMessage(
              "fetch /v1/project_logs/p/fetch: the server returned cursor 'c-7' with an empty page;"
                  + " stopping rather than asking for the same rows again")
          .verify(T);
      assertThat(server.requests).hasSize(1);
      client.close();
    }
  }
}
