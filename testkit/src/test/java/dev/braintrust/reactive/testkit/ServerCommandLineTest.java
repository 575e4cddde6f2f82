package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.testkit.internal.ServerCommandLine;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each option of the standalone server does to a real (in-process) server what its help says; bad
 * combinations are refused with a message naming the option. The child-JVM behaviour is in {@link
 * StandaloneServerTest}.
 */
class ServerCommandLineTest {

  private static BraintrustTestServer serve(String... args) {
    String[] withPort = new String[args.length + 2];
    withPort[0] = "--port";
    withPort[1] = "0";
    System.arraycopy(args, 0, withPort, 2, args.length);
    return ServerCommandLine.parse(withPort).build().start();
  }

  private static String insertPath(BraintrustTestServer server) {
    return "/v1/project_logs/" + server.createProject("p") + "/insert";
  }

  private static final String EVENT = "{\"events\":[{\"id\":\"a\",\"input\":1}]}";

  @Test
  void disconnectDropsTheFlaggedCountOfMatchingRequestsThenServes() {
    try (BraintrustTestServer server =
        serve("--disconnect", "--fail-count", "1", "--fail-path", "/insert")) {
      JdkHttp http = new JdkHttp(server);
      String path = insertPath(server);

      assertThat(http.get("/v1/project").status()).isEqualTo(200);
      assertThatThrownBy(() -> http.post(path, EVENT)).isInstanceOf(UncheckedIOException.class);
      assertThat(http.post(path, EVENT).status()).isEqualTo(200);
      assertThat(server.rowIds("project_logs", server.projectId("p"))).containsExactly("a");
    }
  }

  @Test
  void failEveryAnswersEveryNthRequestWithTheStatus() {
    try (BraintrustTestServer server = serve("--fail-status", "500", "--fail-every", "2")) {
      JdkHttp http = new JdkHttp(server);

      assertThat(http.get("/v1/project").status()).isEqualTo(200);
      assertThat(http.get("/v1/project").status()).isEqualTo(500);
      assertThat(http.get("/v1/project").status()).isEqualTo(200);
      assertThat(http.get("/v1/project").status()).isEqualTo(500);
    }
  }

  @Test
  void failBodyReplacesTheGeneratedErrorBody() {
    try (BraintrustTestServer server =
        serve("--fail-status", "503", "--fail-body", "{\"error\":\"down for maintenance\"}")) {
      JdkHttp.Res res = new JdkHttp(server).get("/v1/project");

      assertThat(res.status()).isEqualTo(503);
      assertThat(res.text()).isEqualTo("{\"error\":\"down for maintenance\"}");
    }
  }

  @Test
  void failStatusWithoutACountAnswersEveryRequest() {
    try (BraintrustTestServer server = serve("--fail-status", "401")) {
      JdkHttp http = new JdkHttp(server);
      for (int i = 0; i < 3; i++) {
        assertThat(http.get("/v1/project").status()).isEqualTo(401);
      }
    }
  }

  @Test
  void errorRateOfOneAnswersEveryRequestWithTheErrorStatus() {
    try (BraintrustTestServer server = serve("--error-rate", "1", "--error-status", "502")) {
      JdkHttp http = new JdkHttp(server);
      assertThat(http.get("/v1/project").status()).isEqualTo(502);
      assertThat(http.get("/v1/project").status()).isEqualTo(502);
    }
  }

  @Test
  void rateLimitAnswers429WithRetryAfterOnceTheBurstIsSpent() {
    // A sustained rate so low that no token comes back during the test, however slow it runs.
    try (BraintrustTestServer server =
        serve("--rate-limit", "0.001", "--rate-limit-burst", "2", "--rate-limit-path", "/insert")) {
      JdkHttp http = new JdkHttp(server);
      String path = insertPath(server);

      assertThat(http.post(path, EVENT).status()).isEqualTo(200);
      assertThat(http.post(path, EVENT).status()).isEqualTo(200);
      JdkHttp.Res limited = http.post(path, EVENT);

      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.header("retry-after")).isEqualTo("1");
      assertThat(http.get("/v1/project").status()).isEqualTo(200);
    }
  }

  @Test
  void delayAloneStillServesTheRequest() {
    try (BraintrustTestServer server = serve("--delay", "50ms", "--fail-count", "1")) {
      JdkHttp http = new JdkHttp(server);
      assertThat(http.get("/v1/project").status()).isEqualTo(200);
      assertThat(server.faults().pending()).isZero();
    }
  }

  @Test
  void serverOptionsReachTheServer() {
    try (BraintrustTestServer server =
        serve(
            "--api-key",
            "k2",
            "--max-body-bytes",
            "200",
            "--no-gzip",
            "--model-reply",
            "scripted")) {
      JdkHttp http = new JdkHttp(server);
      assertThat(server.apiKey()).isEqualTo("k2");
      assertThat(
              http.post(insertPath(server), "{\"events\":[" + "{},".repeat(100) + "{}]}").status())
          .isEqualTo(413);
      JdkHttp.Res chat =
          http.post(
              "/v1/proxy/chat/completions",
              "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(chat.status()).as(chat.text()).isEqualTo(200);
      assertThat(chat.json().at("/choices/0/message/content").asText()).isEqualTo("scripted");
    }
  }

  @Test
  void describesTheFaultsInForce() {
    assertThat(
            ServerCommandLine.parse(
                    "--fail-status",
                    "429",
                    "--retry-after",
                    "2",
                    "--fail-count",
                    "3",
                    "--fail-path",
                    "/insert")
                .describeFaults())
        .isEqualTo(
            "status 429 with Retry-After: 2 for the next 3 requests whose path contains /insert");
    assertThat(ServerCommandLine.parse("--silent").describeFaults())
        .isEqualTo("no answer for every request");
    assertThat(ServerCommandLine.parse("--port", "1").describeFaults()).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--port 70000              | --port needs a whole number from 0 to 65535, got '70000'",
        "--port                    | --port needs a value",
        "--api-key --silent        | --api-key needs a value",
        "--fail-status 503 --silent | --fail-status, --disconnect and --silent are different faults",
        "--silent --delay 1s       | --silent never answers",
        "--fail-count 2            | --fail-count needs a fault",
        "--fail-path /insert       | --fail-path needs a fault",
        "--fail-status 500 --fail-count 1 --fail-every 2 | --fail-count and --fail-every exclude",
        "--retry-after 1           | --retry-after needs --fail-status",
        "--fail-body oops          | --fail-body needs --fail-status",
        "--rate-limit-burst 3      | --rate-limit-burst and --rate-limit-path need --rate-limit",
        "--outage-after 3          | --outage-after needs --outage-seconds",
        "--outage-seconds 0        | --outage-seconds needs a positive number, got '0'",
        "--error-rate 2            | --error-rate needs a number from 0 to 1, got '2'",
        "--delay 5x                | --delay needs a duration such as 250ms, 2s or 1m, got '5x'",
        "--sse-delay=              | --sse-delay needs a value, got an empty one",
        "--fail-stauts 503         | unknown option '--fail-stauts'",
        "8000                      | unexpected argument '8000'",
      })
  void refusesABadCommandLineNamingTheOption(String args, String message) {
    assertThatThrownBy(() -> ServerCommandLine.parse(args.trim().split(" +")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message.trim());
  }
}
