package dev.braintrust.reactive.core.attachment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The vendor formats the converter replaces, and what it must leave alone. */
class AttachmentConverterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PNG =
      Base64.getEncoder()
          .encodeToString(
              new byte[] {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                24, 25, 26, 27, 28, 29, 30
              });

  static JsonNode tree(String json) throws Exception {
    return JSON.readTree(json);
  }

  static Attachment attachmentAt(JsonNode node) {
    assertThat(node).isInstanceOf(POJONode.class);
    return (Attachment) ((POJONode) node).getPojo();
  }

  @Test
  void openAiDataUrisBecomeAttachmentsKeepingSiblingsAndTheGivenFilename() throws Exception {
    JsonNode in =
        tree(
            "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":"
                + "\"data:image/png;base64,"
                + PNG
                + "\",\"detail\":\"high\"}},{\"type\":\"file\",\"file\":{\"filename\":\"a.pdf\","
                + "\"file_data\":\"data:application/pdf;base64,"
                + PNG
                + "\"}}]}]");
    JsonNode out = AttachmentConverter.convert(in);

    JsonNode parts = out.get(0).get("content");
    Attachment image = attachmentAt(parts.get(0).get("image_url").get("url"));
    assertThat(image.reference().contentType()).isEqualTo("image/png");
    assertThat(image.reference().filename()).isEqualTo("attachment.png");
    assertThat(image.size()).isEqualTo(30);
    assertThat(parts.get(0).get("image_url").get("detail").asText()).isEqualTo("high");
    Attachment pdf = attachmentAt(parts.get(1).get("file").get("file_data"));
    assertThat(pdf.reference().filename()).isEqualTo("a.pdf");
    // The caller's tree is never changed.
    assertThat(in.get(0).get("content").get(0).get("image_url").get("url").isTextual()).isTrue();
  }

  @Test
  void notUploadedAnAttachmentIsWrittenAsTheOriginalAndUploadedAsItsReference() throws Exception {
    String uri = "data:image/png;base64," + PNG;
    JsonNode out = AttachmentConverter.convert(tree("{\"url\":\"" + uri + "\"}"));
    assertThat(JSON.writeValueAsString(out)).isEqualTo("{\"url\":\"" + uri + "\"}");

    Attachment a = Attachment.of(new byte[] {1}, "application/pdf");
    JsonNode ref = JSON.readTree(JSON.writeValueAsString(a));
    assertThat(ref.get("type").asText()).isEqualTo("braintrust_attachment");
    assertThat(ref.get("key").asText()).isEqualTo(a.reference().key());
    assertThat(ref.get("filename").asText()).isEqualTo("attachment.pdf");
    assertThat(AttachmentReference.from(ref)).isEqualTo(a.reference());
  }

  @Test
  void anthropicBase64SourcesAreReplacedWhole() throws Exception {
    JsonNode out =
        AttachmentConverter.convert(
            tree(
                "[{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":"
                    + "\"application/pdf\",\"data\":\""
                    + PNG
                    + "\"}}]"));
    Attachment doc = attachmentAt(out.get(0).get("source"));
    assertThat(doc.reference().contentType()).isEqualTo("application/pdf");
    assertThat(doc.content().blockFirst().remaining()).isEqualTo(30);
  }

  @Test
  void openAiInputAudioReplacesTheDataAndKeepsTheFormat() throws Exception {
    JsonNode out =
        AttachmentConverter.convert(
            tree(
                "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\""
                    + PNG
                    + "\",\"format\":\"mp3\"}}"));
    Attachment audio = attachmentAt(out.get("input_audio").get("data"));
    assertThat(audio.reference().contentType()).isEqualTo("audio/mpeg");
    assertThat(out.get("input_audio").get("format").asText()).isEqualTo("mp3");
  }

  @Test
  void urlsProseShortStringsAndDeepNestingStayAsTheyAre() throws Exception {
    JsonNode plain =
        tree(
            "{\"a\":\"https://example.com/cat.png\",\"b\":\"Check this: data:image/png;base64,"
                + PNG
                + " please\",\"c\":\"data:image/png;base64,iVBO\"}");
    assertThat(AttachmentConverter.convert(plain)).isSameAs(plain);

    ObjectNode root = JSON.createObjectNode();
    ObjectNode n = root;
    for (int i = 0; i < 300; i++) {
      n = n.putObject("x");
    }
    n.put("url", "data:image/png;base64," + PNG);
    JsonNode out = AttachmentConverter.convert(root);
    assertThat(JSON.writeValueAsString(out)).isEqualTo(JSON.writeValueAsString(root));
  }

  @Test
  void badInputIsRefusedWithWhatWasWrong() {
    assertThatThrownBy(() -> Attachment.of(new byte[0], " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contentType");
    assertThatThrownBy(() -> Attachment.ofFile(java.nio.file.Path.of("/no/such/file"), "a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/no/such/file");
    assertThatThrownBy(() -> ExternalAttachment.of("relative/path", "a/b", "f"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
  }
}
