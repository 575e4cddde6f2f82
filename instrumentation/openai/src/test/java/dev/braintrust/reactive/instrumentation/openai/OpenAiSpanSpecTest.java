package dev.braintrust.reactive.instrumentation.openai;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.attachment.AttachmentReference;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.LlmSpanCase;
import dev.braintrust.reactive.testkit.OpenAiResponsesStream;
import dev.braintrust.reactive.testkit.SpanMatcher;
import dev.braintrust.reactive.testkit.TestBlobs;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cross-SDK LLM span cases for OpenAI ({@code test/llm_span/openai/*.yaml} of braintrust-spec,
 * encoded in the testkit's {@code llm-span/openai}): the real openai-java client, wrapped, sends
 * each case's requests to the testkit, which answers with the case's canned OpenAI responses; the
 * rows the exporter stored must match the case's expected spans.
 */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // the root scope is opened only to make the span current
class OpenAiSpanSpecTest {
  static final Duration T = Duration.ofSeconds(30);

  static Stream<LlmSpanCase> cases() {
    return LlmSpanCase.all("openai").stream();
  }

  /** The Responses API cases, also run streamed: a stream must give the same rows. */
  static Stream<LlmSpanCase> responsesCases() {
    return cases().filter(c -> c.endpoint().equals("/v1/responses"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theStoredRowsMatchTheSpecCase(LlmSpanCase c, BraintrustTestServer server) throws Exception {
    run(c, server, false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("responsesCases")
  void theStoredRowsOfAStreamedResponsesCaseMatchTheSpecCase(
      LlmSpanCase c, BraintrustTestServer server) throws Exception {
    run(c, server, true);
  }

  private static void run(LlmSpanCase c, BraintrustTestServer server, boolean streamed)
      throws Exception {
    assumeTrue(c.skipReason() == null, () -> c + " skipped: " + c.skipReason());
    String project = "spec-" + c.provider() + "-" + c.name() + (streamed ? "-streamed" : "");
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    BraintrustExporter exporter = BraintrustExporter.builder(client).build();
    Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName(project));
    OpenAIClient raw =
        OpenAIOkHttpClient.builder()
            .baseUrl(server.baseUrl() + "/v1/proxy")
            .apiKey(server.apiKey())
            .maxRetries(0)
            .build();
    try {
      OpenAIClient traced = BraintrustOpenAI.wrap(raw, tracer);
      c.responses()
          .forEach(
              r ->
                  server.scriptModelResponse(
                      streamed ? "text/event-stream" : r.contentType(),
                      streamed ? OpenAiResponsesStream.sse(r.body()) : r.body()));
      Span root = tracer.startSpan(c.name(), SpanType.TASK);
      try (Scope s = root.makeCurrent()) {
        // Multi-turn cases: each turn's input follows the earlier turns' input and output.
        ArrayNode history = ObjectMappers.jsonMapper().createArrayNode();
        for (ObjectNode request : c.requests()) {
          if (c.endpoint().equals("/v1/responses")) {
            respond(traced, request, history, streamed);
          } else {
            call(traced, request);
          }
        }
      } finally {
        root.end();
      }
      exporter.flush().block(T);
      List<ObjectNode> rows = server.projectLogs(server.projectId(project));
      SpanMatcher.assertSpans(c.toString(), rows, c.expectedSpans());
      // Every inline medium of the requests arrived in the object store unchanged.
      List<String> stored =
          rows.stream()
              .flatMap(r -> AttachmentReference.findAll(r).stream())
              .map(ref -> TestBlobs.sha256(TestBlobs.read(server, ref.key())))
              .sorted()
              .toList();
      org.junit.jupiter.api.Assertions.assertEquals(
          TestBlobs.inlineMediaSha256(c.requests()), stored, c + ": attachment content");
    } finally {
      raw.close();
      exporter.close();
    }
  }

  /** One Responses API turn, its input after {@code history}, which it then extends. */
  static void respond(OpenAIClient client, ObjectNode request, ArrayNode history, boolean streamed)
      throws Exception {
    ArrayNode input = history.deepCopy();
    input.addAll((ArrayNode) request.get("input"));
    request.set("input", input);
    ResponseCreateParams.Body body =
        ObjectMappers.jsonMapper().treeToValue(request, ResponseCreateParams.Body.class);
    ResponseCreateParams params = ResponseCreateParams.builder().body(body).build();
    Response response;
    if (streamed) {
      try (StreamResponse<ResponseStreamEvent> events =
          client.responses().createStreaming(params)) {
        response =
            events.stream()
                .filter(ResponseStreamEvent::isCompleted)
                .findFirst()
                .orElseThrow()
                .asCompleted()
                .response();
      }
    } else {
      response = client.responses().create(params);
    }
    history.removeAll();
    history.addAll(input);
    history.addAll((ArrayNode) ObjectMappers.jsonMapper().valueToTree(response.output()));
  }

  /** One request as the case writes it, sent as the client's own typed params. */
  static void call(OpenAIClient client, ObjectNode request) throws Exception {
    boolean stream = request.path("stream").asBoolean(false);
    // The client sets stream itself from the method called.
    request.remove("stream");
    ChatCompletionCreateParams.Body body =
        ObjectMappers.jsonMapper().treeToValue(request, ChatCompletionCreateParams.Body.class);
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().body(body).build();
    if (stream) {
      try (StreamResponse<ChatCompletionChunk> chunks =
          client.chat().completions().createStreaming(params)) {
        chunks.stream().forEach(chunk -> {});
      }
    } else {
      client.chat().completions().create(params);
    }
  }
}
