package dev.braintrust.reactive.instrumentation.gemini;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.Client;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.LlmSpanCase;
import dev.braintrust.reactive.testkit.SpanMatcher;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cross-SDK LLM span cases for Google ({@code test/llm_span/google/*.yaml} of braintrust-spec,
 * encoded in the testkit's {@code llm-span/google}): the real google-genai client, wrapped, sends
 * each case's requests to the testkit, which answers with the case's canned Gemini API responses;
 * the stored rows must match the case's expected spans.
 */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // the root scope is opened only to make the span current
class GeminiSpanSpecTest {

  static Stream<LlmSpanCase> cases() {
    return LlmSpanCase.all("google").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theStoredRowsMatchTheSpecCase(LlmSpanCase c, BraintrustTestServer server) {
    assumeTrue(c.skipReason() == null, () -> c + " skipped: " + c.skipReason());
    String project = "spec-" + c.provider() + "-" + c.name();
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    BraintrustExporter exporter = BraintrustExporter.builder(client).build();
    Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName(project));
    Client plain = Fixture.client(server);
    try {
      Client traced = BraintrustGemini.wrap(plain, tracer);
      c.responses().forEach(r -> server.scriptModelResponse(r.contentType(), r.body()));
      Span root = tracer.startSpan(c.name(), SpanType.TASK);
      try (Scope s = root.makeCurrent()) {
        for (ObjectNode request : c.requests()) {
          call(traced, model(c.endpoint()), request);
        }
      } finally {
        root.end();
      }
      exporter.flush().block(Fixture.T);
      List<ObjectNode> rows = server.projectLogs(server.projectId(project));
      SpanMatcher.assertSpans(c.toString(), rows, c.expectedSpans());
    } finally {
      plain.close();
      exporter.close();
    }
  }

  /** The model an endpoint such as {@code /v1/models/gemini-x:generateContent} names. */
  static String model(String endpoint) {
    String resource = endpoint.substring(0, endpoint.lastIndexOf(':'));
    return resource.substring(resource.lastIndexOf('/') + 1);
  }

  /** One request as the case writes it (the wire body), sent as the client's own typed values. */
  static void call(Client client, String model, ObjectNode request) {
    List<Content> contents = new ArrayList<>();
    for (JsonNode c : request.path("contents")) {
      contents.add(Content.fromJson(c.toString()));
    }
    JsonNode config = request.path("generationConfig");
    GenerateContentConfig cfg =
        config.isObject() ? GenerateContentConfig.fromJson(config.toString()) : null;
    client.models.generateContent(model, contents, cfg);
  }
}
