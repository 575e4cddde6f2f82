package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.transport.model.ExperimentSummary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Answers with a 2xx status but the wrong shape, from a JDK server: each is a {@link
 * BraintrustApiException} naming the method, path and status with an excerpt of the body (the key
 * redacted), never an empty list, a blank row or a quietly finished stream.
 */
class MalformedAnswerTest {
  static final Duration T = Duration.ofSeconds(30);
  static final String KEY = "sk-malformed-answer-secret-42";
  static final Destination D = Destination.projectLogs("p");

  static BraintrustClient client(StubServer server) {
    return BraintrustClient.builder()
        .apiKey(KEY)
        .baseUrl(server.baseUrl())
        .backoff(Duration.ofMillis(1), Duration.ofMillis(2))
        .build();
  }

  /** The failure of {@code call} against a server answering every request with {@code reply}. */
  static Throwable failure(StubServer.Reply reply, Function<BraintrustClient, Publisher<?>> call)
      throws Exception {
    try (StubServer server = new StubServer(r -> reply);
        BraintrustClient client = client(server)) {
      Throwable e = Flux.from(call.apply(client)).then().materialize().block(T).getThrowable();
      assertThat(e).as("the call's failure").isNotNull();
      return e;
    }
  }

  static void assertMalformed(Throwable e, String request, int status, String excerpt) {
    assertThat(e).isInstanceOf(BraintrustApiException.class);
    assertThat(e.getMessage())
        .startsWith(request + " failed with status " + status + ": expected ")
        .contains(excerpt)
        .doesNotContain(KEY);
    assertThat(((BraintrustApiException) e).isRetryable()).isFalse();
  }

  @Test
  void objectsThatAreNotAnArrayFailTheListInsteadOfReadingAsEmpty() throws Exception {
    Throwable e =
        failure(
            StubServer.Reply.json(200, "{\"objects\":\"x\",\"echo\":\"Bearer " + KEY + "\"}"),
            c -> c.projects().list());
    assertMalformed(e, "GET /v1/project", 200, "{\"objects\":\"x\"");
    assertThat(e.getMessage()).contains("Bearer [redacted]");
  }

  @Test
  void eventsThatAreNotAnArrayFailTheFetch() throws Exception {
    Throwable e = failure(StubServer.Reply.json(200, "{\"events\":\"x\"}"), c -> c.rows(D).fetch());
    assertMalformed(e, "POST /v1/project_logs/p/fetch", 200, "{\"events\":\"x\"}");
  }

  @Test
  void eventsThatAreNotObjectsFailTheFetchInsteadOfBecomingBlankRows() throws Exception {
    Throwable e = failure(StubServer.Reply.json(200, "{\"events\":[1,2]}"), c -> c.rows(D).fetch());
    assertMalformed(e, "POST /v1/project_logs/p/fetch", 200, "{\"events\":[1,2]}");
  }

  @Test
  void aNumericFetchCursorFailsTheFetchInsteadOfEndingIt() throws Exception {
    Throwable e =
        failure(
            StubServer.Reply.json(200, "{\"events\":[{\"id\":\"r1\"}],\"cursor\":5}"),
            c -> c.rows(D).fetch());
    assertMalformed(e, "POST /v1/project_logs/p/fetch", 200, "\"cursor\":5");
  }

  @Test
  void choicesThatAreNotAnArrayFailTheCompletion() throws Exception {
    Throwable e =
        failure(
            StubServer.Reply.json(200, "{\"id\":\"c1\",\"choices\":\"x\"}"),
            c -> c.aiProxy().chatCompletion(Map.of("model", "m", "messages", List.of())));
    assertMalformed(e, "POST /v1/proxy/chat/completions", 200, "\"choices\":\"x\"");
  }

  @Test
  void aNullBodyIsAnApiFailureNotANullPointerException() throws Exception {
    Throwable e = failure(StubServer.Reply.json(200, "null"), c -> c.projects().get("p1"));
    assertMalformed(e, "GET /v1/project/p1", 200, "application/json: null");
  }

  @Test
  void aTruncatedBodyIsAnApiFailure() throws Exception {
    Throwable e =
        failure(
            StubServer.Reply.json(200, "{\"objects\":[{\"id\":\"a\",\"name\":\"n"),
            c -> c.projects().list());
    assertMalformed(e, "GET /v1/project", 200, "{\"objects\":[{\"id\":\"a\"");
  }

  @Test
  void anErrorObjectWithA2xxOnAStreamIsAnApiFailureNotAnEmptyStream() throws Exception {
    Throwable e =
        failure(
            StubServer.Reply.json(200, "{\"error\":\"model overloaded\"}"),
            c -> c.invokeStream("f1", Map.of("input", "x")));
    assertMalformed(e, "POST /v1/function/f1/invoke", 200, "model overloaded");
  }

  @Test
  void aStreamEndingBeforeDoneIsAnApiFailureNotACompleteStream() throws Exception {
    Throwable e =
        failure(
            StubServer.Reply.of(200, "text/event-stream", "data: {\"output\":\"par\"}\n\n"),
            c -> c.invokeStream("f1", Map.of("input", "x")));
    assertMalformed(e, "POST /v1/function/f1/invoke", 200, "{\"output\":\"par\"}");
    assertThat(e.getMessage()).contains("[DONE]");
  }

  @Test
  void aStreamEndingWithBraintrustsDoneEventIsComplete() throws Exception {
    try (StubServer server =
            new StubServer(
                r ->
                    StubServer.Reply.of(
                        200,
                        "text/event-stream",
                        "event: text_delta\ndata: \"hi\"\n\nevent: done\ndata: \n\n"));
        BraintrustClient client = client(server)) {
      assertThat(client.invokeStream("f1", Map.of("input", "x")).collectList().block(T))
          .extracting(n -> n.asText())
          .containsExactly("hi");
    }
  }

  @Test
  void scoreCountsBeyondAnIntAreRead() throws Exception {
    String body =
        "{\"scores\":{\"acc\":{\"name\":\"acc\",\"score\":0.5,\"diff\":0.1,"
            + "\"improvements\":3000000000,\"regressions\":4000000000}}}";
    try (StubServer server = new StubServer(r -> StubServer.Reply.json(200, body));
        BraintrustClient client = client(server)) {
      ExperimentSummary.ScoreSummary acc =
          client.summarize("e1", null).block(T).scores().get("acc");
      assertThat(acc.improvements()).isEqualTo(3_000_000_000L);
      assertThat(acc.regressions()).isEqualTo(4_000_000_000L);
    }
  }
}
