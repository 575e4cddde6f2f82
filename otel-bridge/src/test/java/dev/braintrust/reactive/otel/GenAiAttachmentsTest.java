package dev.braintrust.reactive.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.TestBlobs;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The GenAI mapping converts inline media too: blob parts of {@code gen_ai.input.messages} become
 * uploaded attachments in the row, URI parts stay URLs.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class GenAiAttachmentsTest {
  static final String PROJECT = "genai-media";

  @Test
  void blobPartsOfGenAiMessagesBecomeUploadedAttachmentsAndUrisStay(BraintrustTestServer server) {
    byte[] png = new byte[4_000];
    byte[] pdf = new byte[9_000];
    new Random(7).nextBytes(png);
    new Random(8).nextBytes(pdf);
    SdkTracerProvider tracing = tracing(server, PROJECT);
    try {
      Span span =
          tracing
              .get("test")
              .spanBuilder("chat gpt-4o")
              .setAttribute("gen_ai.operation.name", "chat")
              .setAttribute("gen_ai.provider.name", "openai")
              .setAttribute("gen_ai.request.model", "gpt-4o")
              .setAttribute(
                  "gen_ai.input.messages",
                  "[{\"role\":\"user\",\"parts\":["
                      + "{\"type\":\"text\",\"content\":\"What are these?\"},"
                      + "{\"type\":\"blob\",\"modality\":\"image\",\"mime_type\":\"image/png\","
                      + "\"content\":\""
                      + Base64.getEncoder().encodeToString(png)
                      + "\"},"
                      + "{\"type\":\"blob\",\"modality\":\"document\","
                      + "\"mime_type\":\"application/pdf\",\"content\":\""
                      + Base64.getEncoder().encodeToString(pdf)
                      + "\"},"
                      + "{\"type\":\"uri\",\"modality\":\"image\",\"mime_type\":\"image/jpeg\","
                      + "\"uri\":\"https://example.com/cat.jpg\"}]}]")
              .startSpan();
      span.end();
      assertThat(tracing.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

      List<ObjectNode> rows = server.projectLogs(server.projectId(PROJECT));
      assertThat(rows).hasSize(1);
      JsonNode content = rows.get(0).path("input").path(0).path("content");
      JsonNode image = content.path(1).path("image_url").path("url");
      JsonNode file = content.path(2).path("file").path("file_data");
      assertThat(image.path("type").asText()).isEqualTo("braintrust_attachment");
      assertThat(file.path("type").asText()).isEqualTo("braintrust_attachment");
      assertThat(file.path("content_type").asText()).isEqualTo("application/pdf");
      assertThat(content.path(3).path("image_url").path("url").asText())
          .isEqualTo("https://example.com/cat.jpg");
      assertThat(TestBlobs.read(server, image.path("key").asText())).isEqualTo(png);
      assertThat(TestBlobs.read(server, file.path("key").asText())).isEqualTo(pdf);
    } finally {
      tracing.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDataUriInAPromptRecordedAsJsonTextBecomesAnAttachmentAndPlainJsonTextArrivesAsJson(
      BraintrustTestServer server) {
    byte[] png = new byte[3_000];
    new Random(9).nextBytes(png);
    SdkTracerProvider tracing = tracing(server, PROJECT + "-text");
    try {
      // Prompts as JSON text (gen_ai.prompt): plain ones are copied into the row without a tree,
      // ones with inline media still go through the attachment converter.
      tracing
          .get("test")
          .spanBuilder("with media")
          .setAttribute(
              "gen_ai.prompt",
              "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                  + "{\"url\":\"data:image/png;base64,"
                  + Base64.getEncoder().encodeToString(png)
                  + "\"}}]}]")
          .startSpan()
          .end();
      tracing
          .get("test")
          .spanBuilder("plain")
          .setAttribute(
              "gen_ai.prompt", " [{\"role\":\"user\",\"content\":\"caf\u00e9 \\\"ok\\\"\"}] ")
          .setAttribute("gen_ai.completion", "{\"role\":\"assistant\",\"content\":\"x\"} trailing")
          .startSpan()
          .end();
      assertThat(tracing.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();

      List<ObjectNode> rows = server.projectLogs(server.projectId(PROJECT + "-text"));
      assertThat(rows).hasSize(2);
      ObjectNode media = byName(rows, "with media");
      JsonNode url = media.path("input").path(0).path("content").path(0).path("image_url");
      assertThat(url.path("url").path("type").asText()).isEqualTo("braintrust_attachment");
      assertThat(TestBlobs.read(server, url.path("url").path("key").asText())).isEqualTo(png);

      ObjectNode plain = byName(rows, "plain");
      assertThat(plain.path("input").path(0).path("content").asText())
          .isEqualTo("caf\u00e9 \"ok\"");
      // Not one JSON value: kept as the text it is.
      assertThat(plain.path("output").asText())
          .isEqualTo("{\"role\":\"assistant\",\"content\":\"x\"} trailing");
    } finally {
      tracing.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  /** OTel tracing into the testkit's project {@code project}, through our span processor. */
  private static SdkTracerProvider tracing(BraintrustTestServer server, String project) {
    BraintrustExporter exporter =
        BraintrustExporter.builder(
                BraintrustClient.builder()
                    .apiKey(server.apiKey())
                    .baseUrl(server.baseUrl())
                    .build())
            .build();
    return SdkTracerProvider.builder()
        .addSpanProcessor(
            BraintrustSpanProcessor.builder(exporter)
                .destination(Destination.projectLogsByName(project))
                .build())
        .build();
  }

  private static ObjectNode byName(List<ObjectNode> rows, String name) {
    return rows.stream()
        .filter(r -> r.path("span_attributes").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
