package dev.braintrust.reactive.instrumentation.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.Client;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
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
 * the stored rows must match the case's expected spans, and each inline medium of the requests
 * ({@code inline_data}) must be in the testkit's object store, byte for byte.
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
      // Every inline medium of the requests arrived in the object store unchanged.
      List<String> stored =
          rows.stream()
              .flatMap(r -> AttachmentReference.findAll(r).stream())
              .map(ref -> TestBlobs.sha256(TestBlobs.read(server, ref.key())))
              .sorted()
              .toList();
      assertEquals(InlineParts.sha256(c.requests()), stored, c + ": attachment content");
    } finally {
      plain.close();
      exporter.close();
    }
  }

  /** {@code node} with every member name in camelCase; values stay as they are. */
  static JsonNode camelCase(JsonNode node) {
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> out.add(camelCase(e)));
      return out;
    }
    if (!node.isObject()) {
      return node;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    node.fields()
        .forEachRemaining(
            e -> {
              StringBuilder name = new StringBuilder();
              String[] words = e.getKey().split("_");
              name.append(words[0]);
              for (int i = 1; i < words.length; i++) {
                name.append(Character.toUpperCase(words[i].charAt(0)))
                    .append(words[i].substring(1));
              }
              out.set(name.toString(), camelCase(e.getValue()));
            });
    return out;
  }

  /** The model an endpoint such as {@code /v1/models/gemini-x:generateContent} names. */
  static String model(String endpoint) {
    String resource = endpoint.substring(0, endpoint.lastIndexOf(':'));
    return resource.substring(resource.lastIndexOf('/') + 1);
  }

  /**
   * One request as the case writes it (the wire body), sent as the client's own typed values; the
   * cases write some members in the REST API's snake_case ({@code inline_data}, {@code mime_type}),
   * which the SDK's types read in camelCase.
   */
  static void call(Client client, String model, ObjectNode request) {
    List<Content> contents = new ArrayList<>();
    for (JsonNode c : request.path("contents")) {
      contents.add(Content.fromJson(camelCase(c).toString()));
    }
    JsonNode config = request.path("generationConfig");
    GenerateContentConfig cfg =
        config.isObject() ? GenerateContentConfig.fromJson(config.toString()) : null;
    client.models.generateContent(model, contents, cfg);
  }
}
