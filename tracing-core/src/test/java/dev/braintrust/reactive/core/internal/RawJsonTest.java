package dev.braintrust.reactive.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.internal.EventMasking;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * JSON text kept as a row value is checked once and written as it is, by the encoder's own mapper
 * and by a caller's; text that is not exactly one JSON object or array is refused; a masker sees
 * the tree and what it changes is what is sent.
 */
class RawJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static BraintrustEvent withInput(Object input) {
    return BraintrustEvent.builder(Destination.projectLogs("p"), "row-1").input(input).build();
  }

  @Test
  void checkedJsonTextIsWrittenIntoTheRowByteForByte() throws Exception {
    String text =
        "[{\"role\":\"user\",\"content\":\"caf\u00e9 \\\"q\\\" \\n\\u0001\"},{\"n\":2.50e1}]";
    JsonNode raw = RawJson.ofContainer(text);
    assertThat(raw).isNotNull();

    for (EventEncoder encoder :
        List.of(new EventEncoder(), new EventEncoder(EventEncoder.defaultMapper()))) {
      String row = EncoderShortcutsTest.encoded(encoder, withInput(raw));
      assertThat(row).contains("\"input\":" + text);
      assertThat(JSON.readTree(row).get("input")).isEqualTo(JSON.readTree(text));
    }
  }

  @Test
  void textThatIsNotExactlyOneJsonObjectOrArrayIsRefused() {
    for (String bad :
        List.of(
            "{\"a\":1} x",
            "{\"a\":1}{\"b\":2}",
            "[1,",
            "{'a':1}",
            "{\"a\":NaN}",
            "{\"a\":\"\u0001\"}",
            "[1,]",
            "// c\n[1]",
            "\"text\"",
            "42",
            "")) {
      assertThat(RawJson.ofContainer(bad)).as(bad).isNull();
    }
  }

  @Test
  void aMaskerSeesTheTreeAndTheValueItChangesInPlaceIsWhatIsSent() throws Exception {
    List<Object> seen = new ArrayList<>();
    EventMasking masking =
        new EventMasking(
            (field, value) -> {
              seen.add(value);
              ((ObjectNode) value).put("secret", "<masked>");
              return value;
            },
            (field, error) -> {
              throw new AssertionError(error);
            });

    BraintrustEvent masked =
        masking.apply(withInput(RawJson.ofContainer("{\"secret\":\"s3cr3t\",\"keep\":1}")));

    assertThat(seen).singleElement().isInstanceOf(ObjectNode.class);
    String row = EncoderShortcutsTest.encoded(new EventEncoder(), masked);
    assertThat(JSON.readTree(row).get("input"))
        .isEqualTo(JSON.readTree("{\"secret\":\"<masked>\",\"keep\":1}"));
    assertThat(row).doesNotContain("s3cr3t");
  }

  @Test
  void theCheckAgreesWithJacksonsStrictParser() {
    List<String> texts =
        new ArrayList<>(
            List.of(
                "{}",
                "[]",
                " \t\r\n[ ] ",
                "[1,-0,0.5,-1.25e+10,1E-3,2e5,true,false,null,\"\"]",
                "[01]",
                "[1.]",
                "[.5]",
                "[-]",
                "[1e]",
                "[+1]",
                "[\"\\u00e9\\n\\t\\\"\\/\\b\\f\\r\\\\\"]",
                "[\"\\u00g9\"]",
                "[\"\\x\"]",
                "[\"\\u12\"]",
                "[\"unterminated]",
                "[tru]",
                "[nul]",
                "[true false]",
                "{\"a\":1,}",
                "{\"a\" 1}",
                "{a:1}",
                "{\"a\":{\"b\":[{\"c\":null}]}}",
                "[1]]",
                "[[1]",
                "{\"a\":1}}",
                "[\"tab\there\"]",
                "[\"caf\u00e9 \u4e2d\"]",
                "[1] [2]",
                "[1],"));
    texts.add("[".repeat(1_000) + "]".repeat(1_000));
    texts.add("[".repeat(1_001) + "]".repeat(1_001));
    for (String t : texts) {
      assertThat(JsonCheck.isContainer(t)).as(t).isEqualTo(jacksonSaysContainer(t));
    }
  }

  @Test
  void theCheckAgreesWithJacksonWhereverInAStringItsSpecialCharactersFall() {
    // The check reads string content eight bytes at a time: put each character that ends a run
    // (a quote, an escape, a control character) and multi-byte ones at every offset of a word.
    String[] specials = {
      "\"",
      "\\\"",
      "\\n",
      "\\u00e9",
      "\\u00g9",
      "\\x",
      "\n",
      "\u0001",
      "\u001f",
      " ",
      "\u007f",
      "\u00e9",
      "\u4e2d",
      "\ud83d\ude00",
      "\\",
      "\\\\"
    };
    List<String> texts = new ArrayList<>();
    for (String special : specials) {
      for (int before = 0; before <= 17; before++) {
        for (int after : new int[] {0, 1, 7, 8, 9}) {
          String text = "[\"" + "a".repeat(before) + special + "b".repeat(after) + "\",1]";
          texts.add(text);
          texts.add("{\"k" + "c".repeat(before) + special + "\":\"" + "d".repeat(after) + "\"}");
        }
      }
    }
    for (String t : texts) {
      assertThat(JsonCheck.isContainer(t)).as(t).isEqualTo(jacksonSaysContainer(t));
      assertThat(RawJson.ofContainer(t) != null).as(t).isEqualTo(jacksonSaysContainer(t));
    }
  }

  private static boolean jacksonSaysContainer(String text) {
    try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(text)) {
      com.fasterxml.jackson.core.JsonToken first = p.nextToken();
      if (first != com.fasterxml.jackson.core.JsonToken.START_OBJECT
          && first != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
