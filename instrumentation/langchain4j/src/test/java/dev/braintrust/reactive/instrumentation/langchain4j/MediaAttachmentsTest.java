package dev.braintrust.reactive.instrumentation.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.TestBlobs;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.PdfFileContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j media content is no longer thrown away: inline images and PDFs become attachments
 * (uploaded, their exact bytes in the object store), image URLs stay as they are.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class MediaAttachmentsTest {
  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void inlineImagesAndPdfsBecomeUploadedAttachmentsAndUrlsStay(BraintrustTestServer server) {
    byte[] png = random(3_000, 1);
    byte[] pdf = random(7_000, 2);
    try (Fixture f = new Fixture(server)) {
      ChatModel model = f.chatModel().listeners(List.of(f.listener)).build();
      model.chat(
          UserMessage.from(
              TextContent.from("What are these?"),
              ImageContent.from(Base64.getEncoder().encodeToString(png), "image/png"),
              PdfFileContent.from(Base64.getEncoder().encodeToString(pdf), "application/pdf"),
              ImageContent.from("https://example.com/cat.jpg")));

      JsonNode parts = f.row("Chat Completion").path("input").path(0).path("content");
      assertThat(parts.path(0).path("text").asText()).isEqualTo("What are these?");
      JsonNode image = parts.path(1).path("image_url").path("url");
      assertThat(image.path("type").asText()).isEqualTo("braintrust_attachment");
      assertThat(image.path("content_type").asText()).isEqualTo("image/png");
      JsonNode file = parts.path(2).path("file").path("file_data");
      assertThat(file.path("type").asText()).isEqualTo("braintrust_attachment");
      assertThat(file.path("content_type").asText()).isEqualTo("application/pdf");
      assertThat(parts.path(3).path("image_url").path("url").asText())
          .isEqualTo("https://example.com/cat.jpg");
      assertThat(TestBlobs.read(server, image.path("key").asText())).isEqualTo(png);
      assertThat(TestBlobs.read(server, file.path("key").asText())).isEqualTo(pdf);
    }
  }
}
