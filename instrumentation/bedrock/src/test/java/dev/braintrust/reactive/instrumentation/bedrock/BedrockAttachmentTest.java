package dev.braintrust.reactive.instrumentation.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.attachment.AttachmentReference;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.testkit.TestBlobs;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentFormat;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentSource;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageFormat;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.S3Location;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import software.amazon.awssdk.services.bedrockruntime.model.VideoBlock;
import software.amazon.awssdk.services.bedrockruntime.model.VideoFormat;
import software.amazon.awssdk.services.bedrockruntime.model.VideoSource;

/**
 * Byte sources in Converse content blocks become attachments over a real socket: the testkit's
 * object store holds the exact bytes, the row holds references; S3 sources stay as they are, and a
 * failed upload leaves the original base64 in the row.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class BedrockAttachmentTest {
  private static final byte[] PNG = random(3_000, 1);
  private static final byte[] PDF = random(5_000, 2);
  private static final byte[] MP4 = random(7_000, 3);
  private static final byte[] CHART = random(1_500, 4);

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
  void aStreamedConverseStoresItsImageDocumentAndVideoBytesAsAttachments() throws Exception {
    Fixture.stream(
        fx.tracedAsync,
        ConverseStreamRequest.builder().modelId(Fixture.MODEL).messages(mediaMessage()).build());

    JsonNode content = fx.row("bedrock.converse-stream").path("input").path(0).path("content");
    assertStored(content.path(1).path("image").path("source").path("bytes"), "image/png", PNG);
    assertThat(content.path(1).path("image").path("format").asText()).isEqualTo("png");
    JsonNode document = content.path(2).path("document");
    assertStored(document.path("source").path("bytes"), "application/pdf", PDF);
    assertThat(document.path("name").asText()).isEqualTo("quarterly report");
    assertThat(document.path("source").path("bytes").path("filename").asText())
        .isEqualTo("quarterly report.pdf");
    assertStored(content.path(3).path("video").path("source").path("bytes"), "video/mp4", MP4);
    // Not bytes: neither uploaded nor changed.
    assertThat(content.path(4).path("image").path("source").path("s3Location").path("uri").asText())
        .isEqualTo("s3://media-bucket/cat.png");
    assertThat(fx.exporter.attachmentStats().uploadFailed()).isZero();
  }

  @Test
  void anImageInAToolResultIsStoredAsAnAttachmentToo() {
    ToolUseBlock use =
        ToolUseBlock.builder()
            .toolUseId("t1")
            .name("chart")
            .input(software.amazon.awssdk.core.document.Document.mapBuilder().build())
            .build();
    ToolResultBlock result =
        ToolResultBlock.builder()
            .toolUseId("t1")
            .content(
                ToolResultContentBlock.fromText("the chart"),
                ToolResultContentBlock.fromImage(
                    ImageBlock.builder()
                        .format(ImageFormat.JPEG)
                        .source(ImageSource.fromBytes(SdkBytes.fromByteArray(CHART)))
                        .build()))
            .build();
    fx.traced.converse(
        ConverseRequest.builder()
            .modelId(Fixture.MODEL)
            .messages(
                Fixture.user("draw the chart"),
                Message.builder()
                    .role(ConversationRole.ASSISTANT)
                    .content(ContentBlock.fromToolUse(use))
                    .build(),
                Message.builder()
                    .role(ConversationRole.USER)
                    .content(ContentBlock.fromToolResult(result))
                    .build())
            .build());

    JsonNode image =
        fx.row("bedrock.converse")
            .path("input")
            .path(2)
            .path("content")
            .path(0)
            .path("toolResult")
            .path("content")
            .path(1)
            .path("image");
    assertStored(image.path("source").path("bytes"), "image/jpeg", CHART);
  }

  @Test
  void aFailedUploadLeavesTheOriginalBytesInTheRowAndCountsIt() {
    fx.server.faults().enqueue(Fault.status(403).onPathContaining("/blobs/"));
    fx.traced.converse(
        ConverseRequest.builder()
            .modelId(Fixture.MODEL)
            .messages(
                Message.builder()
                    .role(ConversationRole.USER)
                    .content(ContentBlock.fromText("what is this?"), image(PNG))
                    .build())
            .build());

    ObjectNode row = fx.row("bedrock.converse");
    JsonNode bytes = row.path("input").path(0).path("content").path(1).path("image");
    assertThat(bytes.path("source").path("bytes").asText())
        .isEqualTo(Base64.getEncoder().encodeToString(PNG));
    assertThat(AttachmentReference.findAll(row)).isEmpty();
    assertThat(fx.exporter.attachmentStats().uploadFailed()).isEqualTo(1);
    assertThat(fx.exporter.stats().droppedTotal()).isZero();
  }

  private void assertStored(JsonNode ref, String contentType, byte[] original) {
    assertThat(ref.path("type").asText()).as("%s", ref).isEqualTo("braintrust_attachment");
    assertThat(ref.path("content_type").asText()).isEqualTo(contentType);
    assertThat(ref.path("filename").asText()).isNotBlank();
    assertThat(TestBlobs.sha256(TestBlobs.read(fx.server, ref.path("key").asText())))
        .isEqualTo(TestBlobs.sha256(original));
  }

  private static Message mediaMessage() {
    return Message.builder()
        .role(ConversationRole.USER)
        .content(
            ContentBlock.fromText("compare these"),
            image(PNG),
            ContentBlock.fromDocument(
                DocumentBlock.builder()
                    .format(DocumentFormat.PDF)
                    .name("quarterly report")
                    .source(DocumentSource.fromBytes(SdkBytes.fromByteArray(PDF)))
                    .build()),
            ContentBlock.fromVideo(
                VideoBlock.builder()
                    .format(VideoFormat.MP4)
                    .source(VideoSource.fromBytes(SdkBytes.fromByteArray(MP4)))
                    .build()),
            ContentBlock.fromImage(
                ImageBlock.builder()
                    .format(ImageFormat.PNG)
                    .source(
                        ImageSource.fromS3Location(
                            S3Location.builder().uri("s3://media-bucket/cat.png").build()))
                    .build()))
        .build();
  }

  private static ContentBlock image(byte[] png) {
    return ContentBlock.fromImage(
        ImageBlock.builder()
            .format(ImageFormat.PNG)
            .source(ImageSource.fromBytes(SdkBytes.fromByteArray(png)))
            .build());
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
