package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The span-test matching rules, each shown to pass what it should and catch what it should. */
class SpanMatcherTest {
  static final ObjectMapper M = new ObjectMapper();

  static JsonNode j(String json) {
    try {
      return M.readTree(json.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  static List<String> match(String actual, String expected) {
    return SpanMatcher.mismatches(j(actual), j(expected));
  }

  @Test
  void extraActualKeysAreIgnoredButMissingOrDifferentExpectedOnesAreNamedByPath() {
    assertThat(match("{'a':1,'b':{'c':'x','d':2}}", "{'b':{'c':'x'}}")).isEmpty();
    assertThat(match("{'b':{'c':'y'}}", "{'b':{'c':'x'}}"))
        .singleElement()
        .asString()
        .contains(".b.c", "x", "y");
    assertThat(match("{}", "{'a':1}")).singleElement().asString().contains(".a", "<absent>");
  }

  @Test
  void listsMatchPairwiseWhenAtLeastAsLongAndOneObjectMatchesAOneElementList() {
    assertThat(match("[1,2,3]", "[1,2]")).isEmpty();
    assertThat(match("[1]", "[1,2]")).isNotEmpty();
    assertThat(match("[2,1]", "[1,2]")).hasSize(2);
    assertThat(match("{'role':'assistant'}", "[{'role':'assistant'}]")).isEmpty();
  }

  @Test
  void namedPredicatesHoldOnlyForTheirValues() {
    assertThat(match("0", "{'!fn':'is_non_negative_number'}")).isEmpty();
    assertThat(match("-1", "{'!fn':'is_non_negative_number'}")).isNotEmpty();
    assertThat(match("'3'", "{'!fn':'is_non_negative_number'}")).isNotEmpty();
    assertThat(match("0", "{'!fn':'is_positive_number'}")).isNotEmpty();
    assertThat(match("''", "{'!fn':'is_non_empty_string'}")).isNotEmpty();
    assertThat(match("{}", "{'x':{'!fn':'undefined_or_null'}}")).isEmpty();
    assertThat(match("{'x':5}", "{'x':{'!fn':'undefined_or_null'}}")).isNotEmpty();
    assertThat(match("[{'type':'summary_text','text':'t'}]", "{'!fn':'is_reasoning_message'}"))
        .isEmpty();
    assertThat(match("[{'type':'summary_text','text':''}]", "{'!fn':'is_reasoning_message'}"))
        .isNotEmpty();
  }

  @Test
  void aContainsLambdaChecksTheTextAndOtherExpressionsOnlyPresence() {
    JsonNode paris = M.createObjectNode().put("!fn", "lambda value: \"Paris\" in value");
    assertThat(SpanMatcher.mismatches(M.valueToTree("{location: Paris}"), paris)).isEmpty();
    assertThat(SpanMatcher.mismatches(M.valueToTree("{location: Rome}"), paris)).isNotEmpty();
    assertThat(match("'x'", "{'!fn':'lambda v: len(v) > 3'}")).isEmpty();
    assertThat(match("''", "{'!fn':'lambda v: len(v) > 3'}")).isNotEmpty();
  }

  @Test
  void startsWithAndOrMatchAsTheSpecSays() {
    assertThat(match("'gpt-4o-mini-2024-07-18'", "{'!starts_with':'gpt-4o-mini'}")).isEmpty();
    assertThat(match("'gpt-4o'", "{'!starts_with':'gpt-4o-mini'}")).isNotEmpty();
    assertThat(match("{'b':2}", "{'!or':[{'a':1},{'b':2}]}")).isEmpty();
    assertThat(match("{'c':3}", "{'!or':[{'a':1},{'b':2}]}"))
        .singleElement()
        .asString()
        .contains("no alternative");
  }

  @Test
  void assertSpansPairsLlmRowsInStartOrderAndListsEveryMismatch() {
    ObjectNode later =
        (ObjectNode) j("{'span_attributes':{'type':'llm','name':'b'},'metrics':{'start':2}}");
    ObjectNode earlier =
        (ObjectNode) j("{'span_attributes':{'type':'llm','name':'a'},'metrics':{'start':1}}");
    ObjectNode task =
        (ObjectNode) j("{'span_attributes':{'type':'task','name':'root'},'metrics':{'start':0}}");
    JsonNode expected = j("[{'span_attributes':{'name':'a'}},{'span_attributes':{'name':'b'}}]");
    SpanMatcher.assertSpans("ordered", List.of(later, task, earlier), expected);

    JsonNode wrong = j("[{'span_attributes':{'name':'x'}},{'span_attributes':{'name':'y'}}]");
    assertThatThrownBy(() -> SpanMatcher.assertSpans("wrong", List.of(later, earlier), wrong))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("span[0].span_attributes.name")
        .hasMessageContaining("span[1].span_attributes.name");
    assertThatThrownBy(() -> SpanMatcher.assertSpans("short", List.of(task), expected))
        .hasMessageContaining("expected 2 llm spans, found 0");
  }

  @Test
  void everyCaseResourceLoadsAndEachRunnableOneHasAResponsePerRequest() {
    for (String provider : List.of("openai", "anthropic")) {
      List<LlmSpanCase> cases = LlmSpanCase.all(provider);
      assertThat(cases).as(provider).hasSize(5);
      for (LlmSpanCase c : cases) {
        if (c.skipReason() == null) {
          assertThat(c.responses()).as(c.toString()).hasSameSizeAs(c.requests()).isNotEmpty();
          assertThat(c.expectedSpans().size()).as(c.toString()).isPositive();
        }
      }
    }
  }
}
