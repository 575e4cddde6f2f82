package dev.braintrust.reactive.instrumentation.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.testkit.TestBlobs;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/** The checksums of the inline media ({@code inline_data} / {@code inlineData}) of requests. */
final class InlineParts {
  private InlineParts() {}

  /** The SHA-256 of every inline medium's decoded {@code data} in {@code requests}, sorted. */
  static List<String> sha256(List<? extends JsonNode> requests) {
    List<String> out = new ArrayList<>();
    requests.forEach(r -> collect(r, out));
    Collections.sort(out);
    return out;
  }

  private static void collect(JsonNode n, List<String> out) {
    JsonNode inline = n.has("inline_data") ? n.get("inline_data") : n.path("inlineData");
    if (inline.path("data").isTextual()) {
      out.add(TestBlobs.sha256(Base64.getMimeDecoder().decode(inline.get("data").asText())));
    } else {
      n.forEach(c -> collect(c, out));
    }
  }
}
