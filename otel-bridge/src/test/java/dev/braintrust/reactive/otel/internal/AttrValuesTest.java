package dev.braintrust.reactive.otel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttrValuesTest {

  @Test
  void numbersInTextAreReadAsNumbers() {
    assertThat(AttrValues.number("42")).isEqualTo(42L);
    assertThat(AttrValues.number(" -7 ")).isEqualTo(-7L);
    assertThat(AttrValues.number("0.25")).isEqualTo(0.25);
    assertThat(AttrValues.number("1e3")).isEqualTo(1000.0);
    assertThat(AttrValues.number("99999999999999999999")).isEqualTo(1e20);
  }

  @Test
  void textThatIsNotANumberIsNone() {
    for (String s : new String[] {"", "GET", "gpt-4o", "NaN", "Infinity", "1-2", "12f", "0x10"}) {
      assertThat(AttrValues.number(s)).as(s).isNull();
    }
    assertThat(AttrValues.plain("gpt-4o")).isEqualTo("gpt-4o");
    assertThat(AttrValues.plain("3")).isEqualTo(3L);
  }

  @Test
  void onlyTextThatCanBeADecimalNumberIsParsed() {
    assertThat(AttrValues.looksNumeric("-1.5e-3")).isTrue();
    assertThat(AttrValues.looksNumeric(".5")).isTrue();
    assertThat(AttrValues.looksNumeric("chat")).isFalse();
    assertThat(AttrValues.looksNumeric("1 2")).isFalse();
    assertThat(AttrValues.looksNumeric("1".repeat(65))).isFalse();
  }

  @Test
  void flattenedListEntriesAreGroupedByIndexInOrderAndOtherKeysUnderThePrefixAreLeft() {
    java.util.Map<String, Object> attrs = new java.util.LinkedHashMap<>();
    attrs.put("gen_ai.prompt.10.content", "ten");
    attrs.put("gen_ai.prompt.2.role", "user");
    attrs.put("gen_ai.prompt.2.content", "two");
    attrs.put("gen_ai.prompt.0.tool_calls.0.id", "call");
    attrs.put("gen_ai.prompt.0.", "empty field");
    attrs.put("gen_ai.prompt.x.role", "not indexed");
    attrs.put("gen_ai.prompt..role", "no index");
    attrs.put("gen_ai.prompt.3", "no field");
    attrs.put("gen_ai.prompt.99999999999.role", "past int");
    attrs.put("gen_ai.prompt.-1.role", "signed");
    attrs.put("gen_ai.prompts.1.role", "other prefix");
    attrs.put("gen_ai.completion.0.role", "assistant");

    assertThat(AttrValues.indexed(attrs, "gen_ai.prompt.").toString())
        .isEqualTo(
            "{0={=empty field, tool_calls.0.id=call}, 2={content=two, role=user}, 10={content=ten}}");
    assertThat(AttrValues.isIndexed("gen_ai.prompt.2.role", "gen_ai.prompt.")).isTrue();
    assertThat(AttrValues.isIndexed("gen_ai.prompt.99999999999.role", "gen_ai.prompt.")).isTrue();
    for (String key :
        new String[] {
          "gen_ai.prompt.x.role",
          "gen_ai.prompt..role",
          "gen_ai.prompt.3",
          "gen_ai.prompt.-1.role",
          "gen_ai.prompts.1.role",
          "gen_ai.prompt."
        }) {
      assertThat(AttrValues.isIndexed(key, "gen_ai.prompt.")).as(key).isFalse();
    }
  }
}
