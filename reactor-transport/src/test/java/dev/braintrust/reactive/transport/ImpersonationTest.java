package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/** {@link Impersonation#as} applies to the call it is written into, and to nothing else. */
@ExtendWith(BraintrustTestServerExtension.class)
class ImpersonationTest {
  static final Duration T = Duration.ofSeconds(10);
  static final String HEADER = "x-bt-impersonate-user";

  static BraintrustClientBuilder client(BraintrustTestServer server) {
    return BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl());
  }

  static String impersonated(RecordedRequest r) {
    return r.header(HEADER);
  }

  @Test
  void aCallsImpersonationReachesJsonCallsInsertsAndStreams(BraintrustTestServer server) {
    String pid = server.createProject("imp");
    String fid = server.createFunction("imp", "echo");
    BraintrustClient client = client(server).build();

    client
        .resource(Resource.PROJECT)
        .get(pid)
        .contextWrite(Impersonation.as("ann@example.com"))
        .block(T);
    client
        .insert(Destination.projectLogs(pid), ClientSecurityTest.batch("a"))
        .contextWrite(Impersonation.as(" bob@example.com\n"))
        .block(T);
    client
        .invokeStream(fid, Map.of("input", "x"))
        .contextWrite(Impersonation.as("user-3"))
        .collectList()
        .block(T);
    client.resource(Resource.PROJECT).get(pid).block(T);

    assertThat(server.requests())
        .extracting(ImpersonationTest::impersonated)
        .containsExactly("ann@example.com", "bob@example.com", "user-3", null);
    client.close();
  }

  @Test
  void aCallsImpersonationOverridesTheClientsForThatCallOnly(BraintrustTestServer server) {
    String pid = server.createProject("imp-override");
    BraintrustClient client = client(server).impersonateUser("service-user").build();

    client
        .resource(Resource.PROJECT)
        .get(pid)
        .contextWrite(Impersonation.as("ann@example.com"))
        .block(T);
    client.resource(Resource.PROJECT).get(pid).block(T);
    // The innermost contextWrite is closest to the request and wins.
    client
        .resource(Resource.PROJECT)
        .get(pid)
        .contextWrite(Impersonation.as("inner"))
        .contextWrite(Impersonation.as("outer"))
        .block(T);

    assertThat(server.requests())
        .extracting(ImpersonationTest::impersonated)
        .containsExactly("ann@example.com", "service-user", "inner");
    client.close();
  }

  @Test
  void retriesKeepTheCallsImpersonation(BraintrustTestServer server) {
    String pid = server.createProject("imp-retry");
    server
        .faults()
        .enqueue(
            dev.braintrust.reactive.testkit.Fault.status(503).onPathContaining("/v1/project/"));
    BraintrustClient client =
        client(server).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();

    client
        .resource(Resource.PROJECT)
        .get(pid)
        .contextWrite(Impersonation.as("ann@example.com"))
        .block(T);

    assertThat(server.requests())
        .extracting(RecordedRequest::status, ImpersonationTest::impersonated)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(503, "ann@example.com"),
            org.assertj.core.groups.Tuple.tuple(200, "ann@example.com"));
    client.close();
  }

  @Test
  void lookupsBehindACallAreMadeAsTheCaller(BraintrustTestServer server) {
    server.createFunction("imp-shared", "echo");
    BraintrustClient client = client(server).build();

    client
        .insert(Destination.projectLogsByName("imp-shared"), ClientSecurityTest.batch("a"))
        .contextWrite(Impersonation.as("ann@example.com"))
        .block(T);
    client
        .invoke("imp-shared", "echo", "x")
        .contextWrite(Impersonation.as("bob@example.com"))
        .block(T);

    List<RecordedRequest> requests = server.requests();
    assertThat(requests)
        .extracting(r -> r.method() + " " + r.path(), ImpersonationTest::impersonated)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("POST /v1/project", "ann@example.com"),
            org.assertj.core.groups.Tuple.tuple(
                "POST /v1/project_logs/" + server.projectId("imp-shared") + "/insert",
                "ann@example.com"),
            org.assertj.core.groups.Tuple.tuple("GET /v1/function", "bob@example.com"),
            org.assertj.core.groups.Tuple.tuple(
                "POST " + requests.get(3).path(), "bob@example.com"));
    client.close();
  }

  @Test
  void theContextChangeOnlyAddsItsOwnKey() {
    Function<Context, Context> as = Impersonation.as("ann@example.com");
    Context before = Context.of("app-key", "app-value");
    Context after = as.apply(before);

    assertThat(after.size()).isEqualTo(2);
    assertThat(after.<String>get("app-key")).isEqualTo("app-value");
    assertThat(Mono.just(1).contextWrite(as).block()).isEqualTo(1);
  }

  @ParameterizedTest(name = "[{index}]")
  @ValueSource(strings = {"a@b.c\r\nX-Injected: 1", "a\nb", "a\u0000b", ""})
  void valuesAreCheckedLikeHeaderValuesWithoutBeingEchoed(String value) {
    assertThatThrownBy(() -> Impersonation.as(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Impersonation.as must not")
        .message()
        .doesNotContain("Injected");
    assertThatThrownBy(() -> Impersonation.as(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Impersonation.as must not be null or blank");
  }
}
