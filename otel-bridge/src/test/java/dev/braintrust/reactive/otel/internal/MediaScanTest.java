package dev.braintrust.reactive.otel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the caller's-thread media scan searches: only what may become the row's input or output. */
class MediaScanTest {
  private static final String DATA_URI =
      "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":"
          + "\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4\"}}]}]";

  @Test
  void mediaInAnAttributeAMappingReadsOrABraintrustOneIsFound() {
    for (String key :
        List.of(
            "gen_ai.prompt",
            "gen_ai.input.messages",
            "llm.input_messages.0.message.content",
            "input.value",
            "braintrust.input",
            "braintrust.output_json")) {
      SpanData span =
          Fixtures.recorded(
              "test", "chat", s -> s.setAttribute("http.route", "/x").setAttribute(key, DATA_URI));
      assertThat(MediaScan.mayHoldMedia(span, List.of())).as(key).isTrue();
    }
  }

  @Test
  void mediaInAnAttributeThatOnlyBecomesMetadataIsNotSearched() {
    // Metadata is sent as it is (the converter reads input and output only), so a URL or note
    // holding a data URI does not cost the span its mapping on the caller's thread.
    SpanData span =
        Fixtures.recorded(
            "test",
            "GET /upload",
            s ->
                s.setAttribute(
                        "url.full",
                        "https://example.com/upload?blob=data:text/plain;base64,aGVsbG8=")
                    .setAttribute("app.note", DATA_URI));
    assertThat(MediaScan.mayHoldMedia(span, List.of())).isFalse();
  }

  @Test
  void mediaInAGenAiEventIsFoundWhateverItsAttributeIsCalled() {
    SpanData span =
        Fixtures.recorded(
            "test",
            "chat",
            s ->
                s.addEvent(
                    "gen_ai.user.message",
                    io.opentelemetry.api.common.Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("content"), DATA_URI)));
    assertThat(MediaScan.mayHoldMedia(span, List.of())).isTrue();
  }
}
