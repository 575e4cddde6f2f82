package dev.braintrust.reactive.instrumentation.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.testkit.TestBlobs;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentSource;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;

/**
 * Converse content blocks as the spec cases write them ({@code {"text"}}, {@code {"image": {format,
 * source: {bytes}}}}, {@code {"document": {format, name, source: {bytes}}}}, bytes in base64), as
 * the SDK's types; and the checksums of the bytes a case's requests carry.
 */
final class MediaBlocks {
  private MediaBlocks() {}

  /** One block of a case's message. */
  static ContentBlock block(JsonNode b) {
    if (b.path("text").isTextual()) {
      return ContentBlock.fromText(b.get("text").asText());
    }
    JsonNode image = b.path("image");
    if (image.isObject()) {
      return ContentBlock.fromImage(
          ImageBlock.builder()
              .format(image.path("format").asText())
              .source(ImageSource.fromBytes(bytes(image)))
              .build());
    }
    JsonNode document = b.path("document");
    if (document.isObject()) {
      return ContentBlock.fromDocument(
          DocumentBlock.builder()
              .format(document.path("format").asText())
              .name(document.path("name").asText())
              .source(DocumentSource.fromBytes(bytes(document)))
              .build());
    }
    throw new IllegalArgumentException("only text, image and document blocks are supported: " + b);
  }

  private static SdkBytes bytes(JsonNode media) {
    return SdkBytes.fromByteArray(decode(media.path("source").path("bytes").asText()));
  }

  private static byte[] decode(String base64) {
    return Base64.getMimeDecoder().decode(base64);
  }

  /** The SHA-256 of every {@code source.bytes} in {@code requests}, sorted. */
  static List<String> sha256(List<? extends JsonNode> requests) {
    List<String> out = new ArrayList<>();
    requests.forEach(r -> collect(r, out));
    Collections.sort(out);
    return out;
  }

  private static void collect(JsonNode n, List<String> out) {
    JsonNode bytes = n.path("source").path("bytes");
    if (bytes.isTextual()) {
      out.add(TestBlobs.sha256(decode(bytes.asText())));
    } else {
      n.forEach(c -> collect(c, out));
    }
  }
}
