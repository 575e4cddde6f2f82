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

/**
 * A call's Reactor context reaches every request the call makes: every page of a paged call and
 * every lookup behind it, not only the first request or the simple calls.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class ContextEverywhereTest {
  static final Duration T = Duration.ofSeconds(30);
  static final String ANN = "ann@example.com";

  static BraintrustClient client(BraintrustTestServer server) {
    return BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
  }

  static void assertAllImpersonated(List<RecordedRequest> requests, int atLeast) {
    assertThat(requests).hasSizeGreaterThanOrEqualTo(atLeast);
    assertThat(requests)
        .allSatisfy(
            r ->
                assertThat(r.header(ImpersonationTest.HEADER))
                    .as(r.method() + " " + r.path())
                    .isEqualTo(ANN));
  }

  static List<RecordedRequest> since(BraintrustTestServer server, int before) {
    List<RecordedRequest> all = server.requests();
    return all.subList(before, all.size());
  }

  @Test
  void everyPageOfAListCarriesTheCallsImpersonation(BraintrustTestServer server) {
    for (int i = 0; i < 3; i++) {
      server.createProject("ctx-" + i);
    }
    try (BraintrustClient client = client(server)) {
      List<?> all =
          client
              .projects()
              .list(ListQuery.all().pageSize(1))
              .contextWrite(Impersonation.as(ANN))
              .collectList()
              .block(T);
      assertThat(all).hasSizeGreaterThanOrEqualTo(3);
      client.projects().list().contextWrite(Impersonation.as(ANN)).collectList().block(T);
    }
    assertAllImpersonated(server.requests(), 4);
  }

  @Test
  void everyPageOfARowFetchAndItsLookupCarryTheCallsImpersonation(BraintrustTestServer server) {
    String pid = server.createProject("ctx-rows");
    ApiCallsTest.insertRows(server, pid, 5);
    int before = server.requests().size();
    try (BraintrustClient client = client(server)) {
      assertThat(
              client
                  .rows(Destination.projectLogs(pid))
                  .fetch(FetchQuery.all().pageSize(2))
                  .contextWrite(Impersonation.as(ANN))
                  .collectList()
                  .block(T))
          .hasSize(5);
      // By name: the project lookup is made as the caller too.
      assertThat(
              client
                  .rows(Destination.projectLogsByName("ctx-rows"))
                  .fetch(FetchQuery.all().pageSize(2))
                  .contextWrite(Impersonation.as(ANN))
                  .collectList()
                  .block(T))
          .hasSize(5);
    }
    assertAllImpersonated(since(server, before), 7);
  }

  @Test
  void everyPageOfABtqlQueryCarriesTheCallsImpersonation(BraintrustTestServer server) {
    String pid = server.createProject("ctx-btql");
    ApiCallsTest.insertRows(server, pid, 5);
    int before = server.requests().size();
    try (BraintrustClient client = client(server)) {
      assertThat(
              client
                  .btql("SELECT * FROM project_logs('" + pid + "') LIMIT 2")
                  .contextWrite(Impersonation.as(ANN))
                  .collectList()
                  .block(T))
          .hasSize(5);
    }
    assertAllImpersonated(since(server, before), 3);
  }

  @Test
  void theLookupsBehindInvokeBySlugAndLoadPromptCarryTheCallsImpersonation(
      BraintrustTestServer server) {
    String pid = server.createFunction("ctx-fn", "echo");
    try (BraintrustClient client = client(server)) {
      client
          .prompts()
          .create(PromptsTest.prompt(server.projectId("ctx-fn"), "Q: {{question}}", 0.1))
          .block(T);
      server.reset();
      client.invoke("ctx-fn", "echo", "x").contextWrite(Impersonation.as(ANN)).block(T);
      client.loadPrompt("ctx-fn", "support").contextWrite(Impersonation.as(ANN)).block(T);
    }
    assertThat(pid).isNotEmpty();
    assertAllImpersonated(server.requests(), 3);
  }

  @Test
  void cachedLookupsAreKeyedByTheIdentityTheyRanAs(BraintrustTestServer server) {
    server.createFunction("ctx-cache", "echo");
    try (BraintrustClient client = client(server)) {
      client.invoke("ctx-cache", "echo", "x").contextWrite(Impersonation.as(ANN)).block(T);
      client.invoke("ctx-cache", "echo", "x").contextWrite(Impersonation.as(ANN)).block(T);
      client.invoke("ctx-cache", "echo", "x").block(T);
    }
    List<RecordedRequest> lookups =
        server.requests().stream().filter(r -> r.method().equals("GET")).toList();
    // Ann's second call used her cached lookup; the client's own call looked up as itself.
    assertThat(lookups)
        .extracting(r -> r.header(ImpersonationTest.HEADER))
        .containsExactly(ANN, null);
  }
}
