package dev.braintrust.reactive.instrumentation.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.testkit.internal.EventStreamFrames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/** The testkit's event-stream encoder, checked against the AWS SDK's own decoder. */
class EventStreamFramesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theSdkDecoderReadsBackEveryHeaderAndPayloadFedInOddSizedPieces() throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(":event-type", "contentBlockDelta");
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "event");
    headers.put("x-unicode", "naïve ☃");
    byte[] small = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] large = "x".repeat(70_000).getBytes(StandardCharsets.UTF_8);
    byte[] empty = new byte[0];
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (byte[] payload : List.of(small, large, empty)) {
      wire.writeBytes(EventStreamFrames.encode(headers, payload));
    }
    byte[] bytes = wire.toByteArray();

    MessageDecoder decoder = new MessageDecoder();
    // Fed in 7-byte pieces, so preludes, headers and payloads are split across feeds.
    for (int i = 0; i < bytes.length; i += 7) {
      decoder.feed(bytes, i, Math.min(7, bytes.length - i));
    }
    List<Message> messages = decoder.getDecodedMessages();

    assertThat(messages).hasSize(3);
    assertThat(messages.get(0).getPayload()).isEqualTo(small);
    assertThat(messages.get(1).getPayload()).isEqualTo(large);
    assertThat(messages.get(2).getPayload()).isEmpty();
    for (Message m : messages) {
      assertThat(m.getHeaders()).containsOnlyKeys(headers.keySet());
      headers.forEach((k, v) -> assertThat(m.getHeaders().get(k).getString()).isEqualTo(v));
    }
  }

  @Test
  void eventAndExceptionMessagesCarryTheHeadersBedrockSends() throws Exception {
    MessageDecoder decoder = new MessageDecoder();
    decoder.feed(
        EventStreamFrames.event("messageStop", JSON.createObjectNode().put("stopReason", "x")));
    decoder.feed(
        EventStreamFrames.exception(
            "throttlingException", JSON.createObjectNode().put("message", "slow down")));
    List<Message> messages = decoder.getDecodedMessages();

    assertThat(messages.get(0).getHeaders().get(":message-type").getString()).isEqualTo("event");
    assertThat(messages.get(0).getHeaders().get(":event-type").getString())
        .isEqualTo("messageStop");
    assertThat(JSON.readTree(messages.get(0).getPayload()).get("stopReason").asText())
        .isEqualTo("x");
    assertThat(messages.get(1).getHeaders().get(":message-type").getString())
        .isEqualTo("exception");
    assertThat(messages.get(1).getHeaders().get(":exception-type").getString())
        .isEqualTo("throttlingException");
  }

  @Test
  void theSdkDecoderRejectsAMessageWithACorruptedByteSoTheChecksumsAreReal() {
    byte[] message =
        EventStreamFrames.event("messageStart", JSON.createObjectNode().put("role", "assistant"));
    byte[] payloadFlipped = message.clone();
    payloadFlipped[payloadFlipped.length - 6] ^= 1;
    byte[] preludeFlipped = message.clone();
    preludeFlipped[5] ^= 1;

    assertThatThrownBy(() -> new MessageDecoder().feed(payloadFlipped))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MessageDecoder().feed(preludeFlipped))
        .isInstanceOf(RuntimeException.class);
  }
}
