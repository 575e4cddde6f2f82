package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(BraintrustTestServerExtension.class)
class ClientSecurityTest {
  static final String SECRET = "sk-very-secret-key";

  static EncodedBatch batch(String id) {
    return EncodedBatch.of(
        List.of(
            new EventEncoder()
                .encode(BraintrustEvent.builder(Destination.projectLogs("p"), id).input(1).build())
                .json()));
  }

  @Test
  void plainHttpIsRefusedForNonLoopbackHostsUnlessAllowed() {
    assertThatThrownBy(
            () -> BraintrustClient.builder().apiKey("k").baseUrl("http://api.example.com").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "baseUrl 'http://api.example.com' uses plain http to a non-loopback host;"
                + " use https, or allowInsecureHttp(true) if you really mean it");
    assertThat(
            BraintrustClient.builder()
                .apiKey("k")
                .baseUrl("http://api.example.com")
                .allowInsecureHttp(true)
                .build()
                .baseUrl())
        .isEqualTo("http://api.example.com");
    assertThat(
            BraintrustClient.builder()
                .apiKey("k")
                .baseUrl("http://localhost:8080/")
                .build()
                .baseUrl())
        .isEqualTo("http://localhost:8080");
    assertThat(BraintrustClient.builder().apiKey("k").build().baseUrl())
        .isEqualTo("https://api.braintrust.dev");
  }

  @Test
  void aMissingKeyIsAClearError() {
    assertThatThrownBy(() -> BraintrustClient.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("apiKey must not be null or blank");
  }

  @Test
  void theKeyNeverAppearsInToStringOrErrors(BraintrustTestServer server) {
    BraintrustClient client =
        BraintrustClient.builder().apiKey(SECRET).baseUrl(server.baseUrl()).maxRetries(0).build();
    assertThat(client.toString()).doesNotContain(SECRET);

    Throwable e =
        client
            .insert(Destination.projectLogs("p"), batch("a"))
            .materialize()
            .block()
            .getThrowable();
    assertThat(e).isInstanceOf(BraintrustApiException.class);
    assertThat(((BraintrustApiException) e).status()).isEqualTo(401);
    assertThat(e.getMessage()).doesNotContain(SECRET).contains("invalid API key");
  }

  @Test
  void impersonationHeaderIsSentOnlyWhenConfigured(BraintrustTestServer server) {
    String pid = server.createProject("imp");
    BraintrustClient.builder()
        .apiKey(server.apiKey())
        .baseUrl(server.baseUrl())
        .build()
        .insert(Destination.projectLogs(pid), batch("a"))
        .block(Duration.ofSeconds(10));
    BraintrustClient.builder()
        .apiKey(server.apiKey())
        .baseUrl(server.baseUrl())
        .impersonateUser("u@example.com")
        .build()
        .insert(Destination.projectLogs(pid), batch("b"))
        .block(Duration.ofSeconds(10));

    assertThat(server.requests("/insert").get(0).header("x-bt-impersonate-user")).isNull();
    assertThat(server.requests("/insert").get(1).header("x-bt-impersonate-user"))
        .isEqualTo("u@example.com");
  }

  @Test
  void notFoundIsNotRetriedAndCarriesTheServersText(BraintrustTestServer server) {
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    Throwable e =
        client
            .insert(Destination.experiment("missing"), batch("a"))
            .materialize()
            .block()
            .getThrowable();

    assertThat(e)
        .isInstanceOf(BraintrustApiException.class)
        .hasMessage(
            "POST /v1/experiment/missing/insert failed with status 404: experiment 'missing' not found");
    assertThat(server.requests("/insert")).hasSize(1);
  }

  @Test
  void aDroppedConnectionIsRetried(BraintrustTestServer server) {
    String pid = server.createProject("reset");
    server.faults().enqueue(Fault.disconnect().onPathContaining("/insert"));
    BraintrustClient client =
        BraintrustClient.builder()
            .apiKey(server.apiKey())
            .baseUrl(server.baseUrl())
            .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .build();

    client.insert(Destination.projectLogs(pid), batch("a")).block(Duration.ofSeconds(10));

    assertThat(server.projectLogs(pid)).hasSize(1);
    assertThat(server.requests("/insert")).hasSize(2);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "http://127.attacker.example",
        "http://127.0.0.1.nip.io.example",
        "http://localhost.attacker.example",
        "http://127.0.0.01",
        "http://128.0.0.1",
        "http://[::2]",
        "http://[::ffff:7f00:1]"
      })
  void plainHttpNeedsALoopbackAddressNotALoopbackLookingName(String url) {
    assertThatThrownBy(() -> BraintrustClient.builder().apiKey("k").baseUrl(url).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "baseUrl '"
                + url
                + "' uses plain http to a non-loopback host;"
                + " use https, or allowInsecureHttp(true) if you really mean it");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "http://localhost:8080",
        "http://LOCALHOST",
        "http://127.0.0.1:1",
        "http://127.255.0.9",
        "http://[::1]:8080",
        "https://127.attacker.example"
      })
  void plainHttpToLoopbackAndHttpsAnywhereAreAccepted(String url) {
    assertThat(BraintrustClient.builder().apiKey("k").baseUrl(url).build().baseUrl())
        .isEqualTo(url);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "sk-abc\r\nX-Injected: 1",
        "sk-abc\nx",
        "sk-\u0000abc",
        "sk-\tabc",
        "sk-\u007fabc"
      })
  void headerValuesWithControlCharactersAreRefusedWithoutEchoingThem(String value) {
    assertThatThrownBy(() -> BraintrustClient.builder().apiKey(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("apiKey must not contain control characters such as CR or LF")
        .message()
        .doesNotContain("sk-")
        .doesNotContain("abc");
    assertThatThrownBy(() -> BraintrustClient.builder().impersonateUser(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "impersonateUser must not contain control characters such as CR or LF")
        .message()
        .doesNotContain("abc");
  }

  @Test
  void surroundingWhitespaceIsTrimmedSoAKeyReadFromAFileWorks() throws Exception {
    try (StubServer server = StubServer.insertSink()) {
      BraintrustClient client =
          BraintrustClient.builder()
              .apiKey("  sk-from-file-123\n")
              .impersonateUser(" u@example.com\r\n")
              .baseUrl(server.baseUrl())
              .build();

      client.insert(Destination.projectLogs("p"), batch("a")).block(Duration.ofSeconds(10));

      assertThat(server.requests.get(0).header("Authorization"))
          .isEqualTo("Bearer sk-from-file-123");
      assertThat(server.requests.get(0).header("x-bt-impersonate-user")).isEqualTo("u@example.com");
      client.close();
    }
  }

  @Test
  void everyIdInAPathIsOneEncodedSegment() throws Exception {
    try (StubServer server =
        new StubServer(
            r -> StubServer.Reply.json(200, "{\"row_ids\":[],\"objects\":[],\"events\":[]}"))) {
      BraintrustClient client =
          BraintrustClient.builder().apiKey(SECRET).baseUrl(server.baseUrl()).build();
      Duration t = Duration.ofSeconds(10);

      client.insert(Destination.projectLogs("team a/../../v1/other?x=1#f"), batch("a")).block(t);
      client.resource(Resource.DATASET).get("..").block(t);
      client.resource(Resource.EXPERIMENT).delete("e/1").block(t);
      client.invoke("fn/1?x=%41", Map.of()).block(t);
      client.summarize("e/1", "c&d=1").block(t);
      client
          .rows(Destination.experiment("a b"))
          .feedback(List.of(Feedback.forRow("r").build()))
          .block(t);
      client.rows(Destination.dataset("d#1")).fetch().collectList().block(t);
      client.projects().list(ListQuery.all().name("a&b c")).collectList().block(t);

      assertThat(server.requests)
          .extracting(StubServer.Request::toString)
          .containsExactly(
              "POST /v1/project_logs/team%20a%2F..%2F..%2Fv1%2Fother%3Fx%3D1%23f/insert",
              "GET /v1/dataset/%2E%2E",
              "DELETE /v1/experiment/e%2F1",
              "POST /v1/function/fn%2F1%3Fx%3D%2541/invoke",
              "GET /v1/experiment/e%2F1/summarize?summarize_scores=true&comparison_experiment_id=c%26d%3D1",
              "POST /v1/experiment/a%20b/feedback",
              "POST /v1/dataset/d%231/fetch",
              "GET /v1/project?project_name=a%26b%20c");
      client.close();
    }
  }

  @Test
  void aKeyEchoedByTheServerIsRedactedFromEveryError() throws Exception {
    String echoed = "{\"error\":\"bad token Bearer " + SECRET + "\"}";
    try (StubServer server =
        new StubServer(
            r -> {
              if (r.rawUri().endsWith("/insert")) {
                return StubServer.Reply.of(
                    200, "text/html", "<html>proxy login for " + SECRET + "</html>");
              }
              if (r.rawUri().startsWith("/v1/dataset")) {
                return StubServer.Reply.of(200, "text/plain", "not json " + SECRET);
              }
              return StubServer.Reply.json(401, echoed).header("x-request-id", "req-" + SECRET);
            })) {
      BraintrustClient client =
          BraintrustClient.builder().apiKey(SECRET).baseUrl(server.baseUrl()).build();
      Duration t = Duration.ofSeconds(10);

      Throwable refused =
          client.resource(Resource.PROJECT).get("p").materialize().block(t).getThrowable();
      Throwable html =
          client
              .insert(Destination.projectLogs("p"), batch("a"))
              .materialize()
              .block(t)
              .getThrowable();
      Throwable notJson =
          client.resource(Resource.DATASET).get("d").materialize().block(t).getThrowable();

      assertThat(refused)
          .isInstanceOf(BraintrustApiException.class)
          .hasMessage(
              "GET /v1/project/p failed with status 401: bad token Bearer [redacted] (request id req-[redacted])");
      assertThat(((BraintrustApiException) refused).error())
          .isEqualTo("bad token Bearer [redacted]");
      assertThat(html).hasMessageContaining("<html>proxy login for [redacted]</html>");
      assertThat(notJson).hasMessageContaining("not json [redacted]");
      for (Throwable e : List.of(refused, html, notJson)) {
        assertThat(e.toString()).doesNotContain(SECRET);
      }
      client.close();
    }
  }
}
