package dev.braintrust.reactive.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {
  @Test
  void eventsFedOneByteAtATimeDecodeWholeIncludingMultiByteCharacters() {
    byte[] stream =
        ("data: {\"a\":\"é🚀\"}\r\n\r\n: comment\n\nevent: x\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n")
            .getBytes(StandardCharsets.UTF_8);
    SseDecoder d = new SseDecoder();
    List<String> out = new ArrayList<>();
    for (byte b : stream) {
      out.addAll(d.feed(new byte[] {b}));
    }
    assertThat(out).containsExactly("{\"a\":\"é🚀\"}", "line1\nline2", "[DONE]");
  }

  @Test
  void anUnfinishedEventIsHeldUntilItsBlankLine() {
    SseDecoder d = new SseDecoder();
    assertThat(d.feed("data: part".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(d.feed("ial\n".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(d.feed("\n".getBytes(StandardCharsets.UTF_8))).containsExactly("partial");
  }
}
