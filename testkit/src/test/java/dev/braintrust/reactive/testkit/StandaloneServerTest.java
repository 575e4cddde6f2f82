package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server as a user runs it: {@code java -cp ... BraintrustTestServer [options]} in a
 * child JVM, talked to over its socket with the JDK's HTTP client.
 */
class StandaloneServerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = newClient();

  private static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  /** An answer. */
  private record Res(int status, String body, HttpResponse<String> response) {
    JsonNode json() throws IOException {
      return MAPPER.readTree(body);
    }
  }

  private static Res post(String baseUrl, String key, String path, String body, Duration timeout)
      throws IOException, InterruptedException {
    return post(HTTP, baseUrl, key, path, body, timeout);
  }

  private static Res post(
      HttpClient http, String baseUrl, String key, String path, String body, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("authorization", "Bearer " + key)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    return new Res(res.statusCode(), res.body(), res);
  }

  private static Res post(String baseUrl, String key, String path, String body)
      throws IOException, InterruptedException {
    return post(baseUrl, key, path, body, Duration.ofSeconds(30));
  }

  private static String createProject(String baseUrl, String key)
      throws IOException, InterruptedException {
    Res r = post(baseUrl, key, "/v1/project", "{\"name\":\"cli\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }

  private static String insert(String id) {
    return "{\"events\":[{\"id\":\"" + id + "\",\"input\":\"hello\",\"output\":42}]}";
  }

  private static JsonNode fetch(String baseUrl, String key, String projectId)
      throws IOException, InterruptedException {
    Res r = post(baseUrl, key, "/v1/project_logs/" + projectId + "/fetch", "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("events");
  }

  @Test
  void storesAnInsertSentToTheUrlItPrintsAndChecksTheKeyItWasGiven(@TempDir Path dir)
      throws Exception {
    Path rows = dir.resolve("rows.jsonl");
    try (ServerProcess server =
        ServerProcess.start("--port", "0", "--api-key", "k-cli", "--persist", rows.toString())) {
      String url = server.awaitBaseUrl();
      String pid = createProject(url, "k-cli");

      Res inserted = post(url, "k-cli", "/v1/project_logs/" + pid + "/insert", insert("row-1"));

      assertThat(inserted.status()).as(inserted.body()).isEqualTo(200);
      assertThat(inserted.json().get("row_ids").get(0).asText()).isEqualTo("row-1");
      JsonNode events = fetch(url, "k-cli", pid);
      assertThat(events).hasSize(1);
      assertThat(events.get(0).get("input").asText()).isEqualTo("hello");
      assertThat(events.get(0).get("output").asInt()).isEqualTo(42);
      assertThat(Files.readString(rows)).contains("\"row-1\"");
      assertThat(post(url, "test-key", "/v1/project_logs/" + pid + "/insert", insert("x")).status())
          .isEqualTo(401);
    }
  }

  @Test
  void answersTheFlaggedStatusWithRetryAfterForTheFlaggedCountThenStores() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            "--port=0",
            "--fail-status",
            "503",
            "--fail-count",
            "2",
            "--fail-path",
            "/insert",
            "--retry-after",
            "3")) {
      String url = server.awaitBaseUrl();
      assertThat(server.awaitLine("faults:")).contains("503").contains("/insert");
      String pid = createProject(url, "test-key");
      String path = "/v1/project_logs/" + pid + "/insert";

      Res first = post(url, "test-key", path, insert("a"));
      Res second = post(url, "test-key", path, insert("a"));
      Res third = post(url, "test-key", path, insert("a"));

      assertThat(first.status()).isEqualTo(503);
      assertThat(first.response().headers().firstValue("retry-after")).hasValue("3");
      assertThat(second.status()).isEqualTo(503);
      assertThat(third.status()).as(third.body()).isEqualTo(200);
      assertThat(fetch(url, "test-key", pid)).hasSize(1);
    }
  }

  @Test
  void aSilentServerAcceptsTheRequestAndNeverAnswersIt() throws Exception {
    try (ServerProcess server =
        ServerProcess.start("--port", "0", "--silent", "--fail-path", "/insert")) {
      String url = server.awaitBaseUrl();
      String pid = createProject(url, "test-key");

      // Connected (not refused) and unanswered: the client's own timeout is what ends it.
      assertThatThrownBy(
              () ->
                  post(
                      url,
                      "test-key",
                      "/v1/project_logs/" + pid + "/insert",
                      insert("a"),
                      Duration.ofSeconds(2)))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat(fetch(url, "test-key", pid)).isEmpty();
    }
  }

  @Test
  void anOutageClosesThePortThenServesTheSameDataOnTheSamePortAgain() throws Exception {
    try (ServerProcess server =
        ServerProcess.start("--port", "0", "--outage-seconds", "10", "--outage-after", "2")) {
      String url = server.awaitBaseUrl();
      String pid = createProject(url, "test-key");
      assertThat(
              post(url, "test-key", "/v1/project_logs/" + pid + "/insert", insert("kept")).status())
          .isEqualTo(200);

      server.awaitLine("outage: not listening");
      URI uri = URI.create(url);
      assertThatThrownBy(
              () -> {
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 30_000);
                }
              })
          .isInstanceOf(ConnectException.class);

      assertThat(server.awaitLine("outage over")).contains(url);
      // A new client: the old one's pooled connection went down with the outage.
      Res fetched =
          post(
              newClient(),
              url,
              "test-key",
              "/v1/project_logs/" + pid + "/fetch",
              "{}",
              Duration.ofSeconds(30));
      assertThat(fetched.status()).as(fetched.body()).isEqualTo(200);
      JsonNode events = fetched.json().get("events");
      assertThat(events).hasSize(1);
      assertThat(events.get(0).get("id").asText()).isEqualTo("kept");
    }
  }

  @Test
  void helpPrintsTheOptionsAndExitsZero() throws Exception {
    try (ServerProcess server = ServerProcess.start("--help")) {
      assertThat(server.awaitExit()).isZero();
      assertThat(server.output())
          .contains("Usage: java -cp")
          .contains("--fail-status CODE")
          .contains("--silent")
          .contains("--outage-seconds S")
          .doesNotContain("server listening on");
    }
  }

  @Test
  void aBadOptionIsNamedAndExitsTwoWithoutListening() throws Exception {
    try (ServerProcess unknown = ServerProcess.start("--port", "0", "--fail-stauts", "503");
        ServerProcess badValue = ServerProcess.start("--port", "0", "--fail-status", "abc");
        ServerProcess missing = ServerProcess.start("--port")) {
      assertThat(unknown.awaitExit()).isEqualTo(2);
      assertThat(unknown.output()).contains("unknown option '--fail-stauts'").contains("--help");
      assertThat(badValue.awaitExit()).isEqualTo(2);
      assertThat(badValue.output()).contains("--fail-status").contains("'abc'");
      assertThat(missing.awaitExit()).isEqualTo(2);
      assertThat(missing.output()).contains("--port needs a value");
      assertThat(unknown.output() + badValue.output() + missing.output())
          .doesNotContain("server listening on");
    }
  }

  @Test
  void aTakenPortIsReportedWithExitCodeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerProcess server =
            ServerProcess.start("--port", Integer.toString(taken.getLocalPort()))) {
      assertThat(server.awaitExit()).isEqualTo(1);
      assertThat(server.output())
          .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .doesNotContain("listening on http");
    }
  }
}
