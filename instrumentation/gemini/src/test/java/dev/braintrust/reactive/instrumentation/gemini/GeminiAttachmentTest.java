package dev.braintrust.reactive.instrumentation.gemini;

import static dev.braintrust.reactive.instrumentation.gemini.Fixture.MODEL;
import static dev.braintrust.reactive.instrumentation.gemini.Fixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.ApiClient;
import com.google.genai.ApiResponse;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.Part;
import dev.braintrust.reactive.core.attachment.AttachmentReference;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.testkit.TestBlobs;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inline media of Gemini requests ({@code inlineData} parts) become attachments over a real socket:
 * the testkit's object store holds the exact bytes, the row holds references in the spec's shapes;
 * parts naming a file by URI stay as they are, and a failed upload leaves the part as it was sent.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class GeminiAttachmentTest {
  private static final byte[] PNG = random(3_000, 1);
  private static final byte[] PDF = random(5_000, 2);
  private static final byte[] WAV = random(7_000, 3);
  private static final byte[] LOGO = random(1_500, 4);

  private Fixture fx;

  @BeforeEach
  void setUp(BraintrustTestServer server) {
    fx = new Fixture(server);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void anImageBecomesAnImageUrlPartAndADocumentAFilePartWithTheBytesStoredUnchanged() {
    fx.server.scriptModelReply("a red square and a report");
    Content user =
        Content.builder()
            .role("user")
            .parts(
                Part.fromText("compare these"),
                Part.fromBytes(PNG, "image/png"),
                Part.fromBytes(PDF, "application/pdf"),
                Part.fromUri("gs://media-bucket/cat.png", "image/png"))
            .build();
    GenerateContentConfig config =
        GenerateContentConfig.builder()
            .systemInstruction(
                Content.fromParts(
                    Part.fromText("you judge logos"), Part.fromBytes(LOGO, "image/jpeg")))
            .build();
    GenerateContentResponse reply = fx.traced.models.generateContent(MODEL, user, config);
    assertThat(reply.text()).isEqualTo("a red square and a report");

    ObjectNode row = fx.row("generate_content");
    JsonNode parts = row.path("input").path("contents").path(0).path("parts");
    assertThat(parts.path(0).path("text").asText()).isEqualTo("compare these");
    assertStored(parts.path(1).path("image_url").path("url"), "image/png", PNG);
    assertThat(parts.path(1).has("inlineData")).isFalse();
    assertStored(parts.path(2).path("file").path("file_data"), "application/pdf", PDF);
    assertThat(parts.path(2).has("inlineData")).isFalse();
    // Not inline: neither uploaded nor changed.
    assertThat(parts.path(3).path("fileData").path("fileUri").asText())
        .isEqualTo("gs://media-bucket/cat.png");
    JsonNode system = row.path("input").path("systemInstruction").path("parts");
    assertThat(system.path(0).path("text").asText()).isEqualTo("you judge logos");
    assertStored(system.path(1).path("image_url").path("url"), "image/jpeg", LOGO);
    assertThat(AttachmentReference.findAll(row)).hasSize(3);
    assertThat(fx.exporter.attachmentStats().uploadFailed()).isZero();
  }

  @Test
  void aStreamedRequestStoresItsAudioAsAFilePart() {
    fx.server.scriptModelReply("silence, mostly");
    Content user = Content.fromParts(Part.fromText("transcribe"), Part.fromBytes(WAV, "audio/wav"));
    StringBuilder text = new StringBuilder();
    try (ResponseStream<GenerateContentResponse> stream =
        fx.traced.models.generateContentStream(MODEL, user, null)) {
      for (GenerateContentResponse r : stream) {
        text.append(r.text());
      }
    }
    assertThat(text.toString()).isEqualTo("silence, mostly");

    JsonNode parts =
        fx.row("generate_content_stream").path("input").path("contents").path(0).path("parts");
    assertStored(parts.path(1).path("file").path("file_data"), "audio/wav", WAV);
  }

  @Test
  void anAsyncCallStoresItsImageToo() throws Exception {
    fx.server.scriptModelReply("noise");
    Content user =
        Content.fromParts(Part.fromText("what is it?"), Part.fromBytes(PNG, "image/png"));
    fx.traced.async.models.generateContent(MODEL, user, null).get(T.toSeconds(), TimeUnit.SECONDS);

    JsonNode parts =
        fx.row("generate_content").path("input").path("contents").path(0).path("parts");
    assertStored(parts.path(1).path("image_url").path("url"), "image/png", PNG);
  }

  @Test
  void aFailedUploadLeavesTheOriginalInlineDataInTheRowAndCountsIt() {
    fx.server.faults().enqueue(Fault.status(403).onPathContaining("/blobs/"));
    fx.server.scriptModelReply("an image");
    Content user =
        Content.fromParts(Part.fromText("what is this?"), Part.fromBytes(PNG, "image/png"));
    fx.traced.models.generateContent(MODEL, user, null);

    ObjectNode row = fx.row("generate_content");
    JsonNode part = row.path("input").path("contents").path(0).path("parts").path(1);
    assertThat(part.path("inlineData").path("data").asText())
        .isEqualTo(Base64.getEncoder().encodeToString(PNG));
    assertThat(part.path("inlineData").path("mimeType").asText()).isEqualTo("image/png");
    assertThat(part.has("image_url")).isFalse();
    assertThat(AttachmentReference.findAll(row)).isEmpty();
    assertThat(fx.exporter.attachmentStats().uploadFailed()).isEqualTo(1);
    assertThat(fx.exporter.stats().droppedTotal()).isZero();
  }

  @Test
  void textThatMerelyNamesInlineDataIsNotTakenForMedia() {
    fx.server.scriptModelReply("ok");
    String prompt = "explain {\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"AAAA\"}}";
    fx.traced.models.generateContent(MODEL, prompt, null);

    ObjectNode row = fx.row("generate_content");
    assertThat(
            row.path("input").path("contents").path(0).path("parts").path(0).path("text").asText())
        .isEqualTo(prompt);
    assertThat(AttachmentReference.findAll(row)).isEmpty();
    assertThat(fx.exporter.attachmentStats().uploadFailed()).isZero();
  }

  @Test
  void snakeCaseInlineDataInAStringOrByteBodyIsConvertedToo() throws Exception {
    ApiClient transport = transport(fx.traced);
    String body =
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"and these?\"},"
            + "{\"inline_data\":{\"mime_type\":\"application/pdf\",\"data\":\""
            + Base64.getEncoder().encodeToString(PDF)
            + "\"}}]}]}";
    fx.server.scriptModelReply("a report");
    try (ApiResponse r =
        transport.request("post", "models/" + MODEL + ":generateContent", body, Optional.empty())) {
      assertThat(r.getBody().string()).contains("a report");
    }
    fx.server.scriptModelReply("a report again");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (ApiResponse r =
        transport.request(
            "post",
            // The SDK's byte-body requests (uploads) name a whole URL.
            fx.server.baseUrl() + "/v1beta/models/" + MODEL + ":generateContent",
            bytes,
            Optional.empty())) {
      assertThat(r.getBody().string()).contains("a report again");
    }

    List<ObjectNode> rows = fx.rows();
    assertThat(rows).hasSize(2);
    for (ObjectNode row : rows) {
      JsonNode part = row.path("input").path("contents").path(0).path("parts").path(1);
      assertStored(part.path("file").path("file_data"), "application/pdf", PDF);
      assertThat(part.has("inline_data")).as("%s", part).isFalse();
    }
  }

  /** The transport the wrapper put in front of the client's own (a public SDK type). */
  private static ApiClient transport(Client client) throws ReflectiveOperationException {
    Field f = client.models.getClass().getDeclaredField("apiClient");
    f.setAccessible(true);
    return (ApiClient) f.get(client.models);
  }

  private void assertStored(JsonNode ref, String contentType, byte[] original) {
    assertThat(ref.path("type").asText()).as("%s", ref).isEqualTo("braintrust_attachment");
    assertThat(ref.path("content_type").asText()).isEqualTo(contentType);
    assertThat(ref.path("filename").asText()).isNotBlank();
    assertThat(TestBlobs.sha256(TestBlobs.read(fx.server, ref.path("key").asText())))
        .isEqualTo(TestBlobs.sha256(original));
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
