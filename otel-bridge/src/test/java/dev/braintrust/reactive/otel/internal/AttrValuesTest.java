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
}
