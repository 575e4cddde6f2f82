package dev.braintrust.reactive.instrumentation.anthropic;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * The cross-SDK LLM span cases for Anthropic ({@code test/llm_span/anthropic/*.yaml} of
 * braintrust-spec, encoded in the testkit's {@code llm-span/anthropic}): the real anthropic-java
 * client, wrapped, sends each case's requests to the testkit, which answers with the case's canned
 * Messages API responses (JSON or named Server-Sent Events); the stored rows must match the case's
 * expected spans.
 */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // the root scope is opened only to make the span current
class AnthropicSpanSpecTest {
  static final Duration T = Duration.ofSeconds(30);

  static Stream<LlmSpanCase> cases() {
    return LlmSpanCase.all("anthropic").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theStoredRowsMatchTheSpecCase(LlmSpanCase c, BraintrustTestServer server) throws Exception {
    assumeTrue(c.skipReason() == null, () -> c + " skipped: " + c.skipReason());
    String project = "spec-" + c.provider() + "-" + c.name();
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    BraintrustExporter exporter = BraintrustExporter.builder(client).build();
    Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName(project));
    AnthropicClient plain =
        AnthropicOkHttpClient.builder()
            .apiKey(server.apiKey())
            .baseUrl(server.baseUrl() + "/v1/proxy")
            .maxRetries(0)
            .build();
    try {
      AnthropicClient traced = BraintrustAnthropic.wrap(plain, tracer);
      c.responses().forEach(r -> server.scriptModelResponse(r.contentType(), r.body()));
      Span root = tracer.startSpan(c.name(), SpanType.TASK);
      try (Scope s = root.makeCurrent()) {
        for (ObjectNode request : c.requests()) {
          call(traced, request);
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
      plain.close();
      exporter.close();
    }
  }

  /** One request as the case writes it, sent as the client's own typed params. */
  static void call(AnthropicClient client, ObjectNode request) throws Exception {
    boolean stream = request.path("stream").asBoolean(false);
    // The client sets stream itself from the method called.
    request.remove("stream");
    MessageCreateParams.Body body =
        ObjectMappers.jsonMapper().treeToValue(request, MessageCreateParams.Body.class);
    MessageCreateParams params = MessageCreateParams.builder().body(body).build();
    if (stream) {
      try (StreamResponse<RawMessageStreamEvent> events =
          client.messages().createStreaming(params)) {
        events.stream().forEach(e -> {});
      }
    } else {
      client.messages().create(params);
    }
  }
}
