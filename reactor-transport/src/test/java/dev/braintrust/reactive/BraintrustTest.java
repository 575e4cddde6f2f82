package dev.braintrust.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.internal.BraintrustEnv;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.internal.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BraintrustTest {
  private static final Duration CHILD_DEADLINE = Duration.ofMinutes(2);

  @Test
  void aMainThatReturnsWithoutCloseStillDeliversItsSpan() {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      ChildJvm.Result r =
          ChildJvm.run(
              ChildJvm.classPath(),
              ExitProbe.class,
              Map.of(
                  "BRAINTRUST_API_KEY", server.apiKey(),
                  "BRAINTRUST_API_URL", server.baseUrl(),
                  "BRAINTRUST_PROJECT", "exit-probe"),
              CHILD_DEADLINE,
              "returned-without-close",
              "PT30S");
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      String rowId = r.stdout().strip().substring("ended ".length());
      List<ObjectNode> rows = server.projectLogs(server.projectId("exit-probe"));
      assertThat(rows).extracting(row -> row.path("id").asText()).containsExactly(rowId);
      assertThat(rows.get(0).path("span_attributes").path("name").asText())
          .isEqualTo("returned-without-close");
      assertThat(r.stderrLinesContaining("not delivered")).isEmpty();
    }
  }

  @Test
  void braintrustDebugShowsTheLibrarysDebugMessagesWithoutConfiguringLogging() {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      Map<String, String> env =
          Map.of(
              "BRAINTRUST_API_KEY", server.apiKey(),
              "BRAINTRUST_API_URL", server.baseUrl(),
              "BRAINTRUST_PROJECT", "debugged");
      ChildJvm.Result quiet =
          ChildJvm.run(ChildJvm.classPath(), ExitProbe.class, env, CHILD_DEADLINE, "q", "PT30S");
      assertThat(quiet.stderrLinesContaining("sending spans to")).as(quiet.stderr()).isEmpty();

      Map<String, String> debug = new java.util.HashMap<>(env);
      debug.put("BRAINTRUST_DEBUG", "true");
      ChildJvm.Result loud =
          ChildJvm.run(ChildJvm.classPath(), ExitProbe.class, debug, CHILD_DEADLINE, "d", "PT30S");
      assertThat(loud.stderrLinesContaining("sending spans to"))
          .as(loud.stderr())
          .singleElement()
          .asString()
          .contains("project_logs");
    }
  }

  @Test
  void anUnreachableServerAtExitPrintsOneStderrLineWithTheCount() {
    int closedPort = ChildJvm.closedPort();
    ChildJvm.Result r =
        ChildJvm.run(
            ChildJvm.classPath(),
            ExitProbe.class,
            Map.of(
                "BRAINTRUST_API_KEY", "k",
                "BRAINTRUST_API_URL", "http://127.0.0.1:" + closedPort,
                "BRAINTRUST_PROJECT", "unreachable"),
            CHILD_DEADLINE,
            "lost",
            "PT2S");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderrLinesContaining("braintrust-reactive: exporter shut down with"))
        .as(r.stderr())
        .singleElement()
        .asString()
        .contains("1 of 1 event(s) not delivered");
  }

  @Test
  void optionsWinOverTheEnvironmentWhichWinsOverDotenvWhichWinsOverDefaults(@TempDir Path dir)
      throws IOException {
    Path nested = Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(
        dir.resolve(BraintrustEnv.DOTENV_FILE),
        "# written by the wizard\n"
            + "export BRAINTRUST_API_KEY=\"from-file\"\n"
            + "BRAINTRUST_PROJECT='file-project'\n"
            + "BRAINTRUST_ORG_NAME=file-org # a comment\n"
            + "OTHER_SECRET=never-read\n");
    BraintrustEnv env = BraintrustEnv.of(Map.of("BRAINTRUST_PROJECT", "env-project"), nested);
    assertThat(env.get("BRAINTRUST_API_KEY")).isEqualTo("from-file");
    assertThat(env.get("BRAINTRUST_PROJECT")).isEqualTo("env-project");
    assertThat(env.get("BRAINTRUST_ORG_NAME")).isEqualTo("file-org");
    assertThat(env.get("OTHER_SECRET")).isNull();

    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start()) {
      try (Braintrust fromEnv =
          Braintrust.builder()
              .environment(env)
              .apiKey(server.apiKey())
              .apiUrl(server.baseUrl())
              .build()) {
        assertThat(fromEnv.tracer().destination())
            .isEqualTo(Destination.projectLogsByName("env-project"));
      }
      try (Braintrust byOption =
          Braintrust.builder()
              .environment(env)
              .apiKey(server.apiKey())
              .apiUrl(server.baseUrl())
              .projectName("option-project")
              .build()) {
        assertThat(byOption.tracer().destination())
            .isEqualTo(Destination.projectLogsByName("option-project"));
      }
      BraintrustEnv withId =
          BraintrustEnv.of(
              Map.of("BRAINTRUST_PROJECT", "named", "BRAINTRUST_PROJECT_ID", "p-1"), null);
      try (Braintrust byId =
          Braintrust.builder()
              .environment(withId)
              .apiKey(server.apiKey())
              .apiUrl(server.baseUrl())
              .build()) {
        assertThat(byId.tracer().destination()).isEqualTo(Destination.projectLogs("p-1"));
      }
      try (Braintrust byDefault =
          Braintrust.builder()
              .environment(BraintrustEnv.of(Map.of(), null))
              .apiKey(server.apiKey())
              .apiUrl(server.baseUrl())
              .build()) {
        assertThat(byDefault.tracer().destination())
            .isEqualTo(Destination.projectLogsByName(BraintrustBuilder.DEFAULT_PROJECT));
      }
    }
  }

  @Test
  void theNearestDotenvFileIsABoundaryEvenWithoutTheVariable(@TempDir Path dir) throws IOException {
    Path child = Files.createDirectories(dir.resolve("child"));
    Files.writeString(dir.resolve(BraintrustEnv.DOTENV_FILE), "BRAINTRUST_API_KEY=parent\n");
    Files.writeString(child.resolve(BraintrustEnv.DOTENV_FILE), "BRAINTRUST_PROJECT=p\n");
    BraintrustEnv env = BraintrustEnv.of(Map.of("BRAINTRUST_API_KEY", "  "), child);
    assertThat(env.get("BRAINTRUST_PROJECT")).isEqualTo("p");
    assertThat(env.get("BRAINTRUST_API_KEY")).isNull();
    assertThatThrownBy(() -> Braintrust.builder().environment(env).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("BRAINTRUST_API_KEY");
  }

  @Test
  void aPermalinkNamesTheOrganizationTheProjectAndTheRow() {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start();
        Braintrust braintrust =
            Braintrust.builder()
                .environment(BraintrustEnv.of(Map.of(), null))
                .apiKey(server.apiKey())
                .apiUrl(server.baseUrl())
                .appUrl("https://app.example/")
                .projectName("links")
                .registerShutdownHook(false)
                .build()) {
      Span span = braintrust.tracer().startSpan("linked");
      span.end();
      String link = braintrust.permalink(span).block(Duration.ofSeconds(30));
      assertThat(link)
          .isEqualTo(
              "https://app.example/app/"
                  + server.orgName().replace(" ", "%20")
                  + "/object?object_type=project_logs&object_id="
                  + server.projectId("links")
                  + "&id="
                  + span.id());
      braintrust.flush().block(Duration.ofSeconds(30));
      assertThat(server.projectLogs(server.projectId("links"))).hasSize(1);
    }
  }

  @Test
  void aRefusedKeyFailsTheLinkWithTheApiError() {
    try (BraintrustTestServer server = BraintrustTestServer.builder().build().start();
        Braintrust braintrust =
            Braintrust.builder()
                .environment(BraintrustEnv.of(Map.of(), null))
                .apiKey("wrong")
                .apiUrl(server.baseUrl())
                .registerShutdownHook(false)
                .build()) {
      assertThatThrownBy(() -> braintrust.destinationUrl().block(Duration.ofSeconds(30)))
          .hasMessageContaining("401");
    }
  }
}
