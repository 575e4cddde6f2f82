package dev.braintrust.reactive.instrumentation.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.attachment.AttachmentReference;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.LlmSpanCase;
import dev.braintrust.reactive.testkit.SpanMatcher;
import dev.braintrust.reactive.testkit.TestBlobs;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/**
 * The cross-SDK LLM span cases for Bedrock ({@code test/llm_span/bedrock/*.yaml} of
 * braintrust-spec, encoded in the testkit's {@code llm-span/bedrock}): the real AWS SDK clients,
 * with the interceptor, send each case's requests to the testkit, which answers with the case's
 * canned Converse responses (JSON, or an AWS event stream); the stored rows must match the case's
 * expected spans. {@code converse} runs on the sync client, {@code converse-stream} on the async
 * one (the sync client has no streaming call). Each byte source of the requests (an image's or a
 * document's {@code source.bytes}) must be in the testkit's object store, byte for byte.
 */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // the root scope is opened only to make the span current
class BedrockSpanSpecTest {
  static Stream<LlmSpanCase> cases() {
    return LlmSpanCase.all("bedrock").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theStoredRowsMatchTheSpecCase(LlmSpanCase c, BraintrustTestServer server) throws Exception {
    assumeTrue(c.skipReason() == null, () -> c + " skipped: " + c.skipReason());
    try (Fixture fx = new Fixture(server)) {
      c.responses().forEach(r -> server.scriptModelResponse(r.contentType(), r.body()));
      Span root = fx.tracer.startSpan(c.name(), SpanType.TASK);
      try (Scope s = root.makeCurrent()) {
        for (ObjectNode request : c.requests()) {
          String modelId = request.path("modelId").asText();
          List<Message> messages = messages(request.path("messages"));
          if (c.endpoint().endsWith("/converse-stream")) {
            Fixture.stream(
                fx.tracedAsync,
                ConverseStreamRequest.builder().modelId(modelId).messages(messages).build());
          } else {
            fx.traced.converse(
                ConverseRequest.builder().modelId(modelId).messages(messages).build());
          }
        }
      } finally {
        root.end();
      }
      List<ObjectNode> rows = new ArrayList<>(fx.rows());
      rows.removeIf(r -> r.path("span_attributes").path("type").asText().equals("task"));
      SpanMatcher.assertSpans(c.toString(), rows, c.expectedSpans());
      // Every byte source of the requests arrived in the object store unchanged.
      List<String> stored =
          rows.stream()
              .flatMap(r -> AttachmentReference.findAll(r).stream())
              .map(ref -> TestBlobs.sha256(TestBlobs.read(server, ref.key())))
              .sorted()
              .toList();
      assertEquals(MediaBlocks.sha256(c.requests()), stored, c + ": attachment content");
    }
  }

  /** The case's messages as the SDK's types: text, and image and document blocks with bytes. */
  private static List<Message> messages(JsonNode json) {
    List<Message> out = new ArrayList<>();
    for (JsonNode m : json) {
      List<ContentBlock> blocks = new ArrayList<>();
      for (JsonNode b : m.path("content")) {
        blocks.add(MediaBlocks.block(b));
      }
      out.add(Message.builder().role(m.path("role").asText()).content(blocks).build());
    }
    return out;
  }
}
