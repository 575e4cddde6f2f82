package dev.braintrust.reactive.otel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guard that skips the convention mappings for spans they have nothing to read in. */
class SpanRowTest {

  /** Attributes of everyday spans, and names close to the mapped ones that are not them. */
  static final Map<String, Object> PLAIN = new LinkedHashMap<>();

  static {
    PLAIN.put("http.request.method", "GET");
    PLAIN.put("http.response.status_code", 200L);
    PLAIN.put("url.full", "https://example.com/a?b=c");
    PLAIN.put("server.address", "example.com");
    PLAIN.put("db.system", "postgresql");
    PLAIN.put("db.statement", "select 1");
    PLAIN.put("thread.name", "worker-1");
    PLAIN.put("metadata.user", "{\"a\":1}");
    PLAIN.put("metadatas", "{\"a\":1}");
    PLAIN.put("input", "{\"role\":\"user\"}");
    PLAIN.put("inputs.value", "x");
    PLAIN.put("output", "y");
    PLAIN.put("llm", "gpt");
    PLAIN.put("gen_ai", "openai");
    PLAIN.put("genai.system", "openai");
    PLAIN.put("my.gen_ai.system", "openai");
    PLAIN.put("spring.aix.kind", "tool_call");
    PLAIN.put("tags", List.of("a", "b"));
    PLAIN.put("embeddings.vector", List.of(1.0, 2.0));
    PLAIN.put("retrievals.documents.0.document.content", "doc");
  }

  @Test
  void theMappingsChangeNothingInASpanTheGuardSkips() {
    SpanRow skipped = new SpanRow(new LinkedHashMap<>(PLAIN), List.of());
    assertThat(skipped.mayMap()).isFalse();

    // Run them anyway: they must leave the row as it was.
    SpanRow row = new SpanRow(new LinkedHashMap<>(PLAIN), List.of());
    LegacyGenAiMapping.apply(row);
    OpenInferenceMapping.apply(row);
    GenAiLatestMapping.apply(row);
    SpringAiMapping.apply(row);
    assertThat(row.consumed).isEmpty();
    assertThat(row.metadata).isEmpty();
    assertThat(row.metrics).isEmpty();
    assertThat(row.tags).isEmpty();
    assertThat(row.hasInput).isFalse();
    assertThat(row.hasOutput).isFalse();
    assertThat(row.type).isNull();
    assertThat(row.ai).isFalse();
    assertThat(row.attrs).isEqualTo(PLAIN);
  }

  @Test
  void oneAttributeOfAMappedConventionIsEnoughToMapAndItIsRead() {
    Map<String, Object> samples = new LinkedHashMap<>();
    samples.put("gen_ai.system", "openai");
    samples.put("gen_ai.request.model", "gpt-4o");
    samples.put("llm.model_name", "gpt-4o");
    samples.put("input.value", "hello");
    samples.put("output.value", "hi");
    samples.put("embedding.model_name", "text-embedding-3-small");
    samples.put("retrieval.documents.0.document.content", "doc");
    samples.put("openinference.span.kind", "LLM");
    samples.put("tag.tags", List.of("a"));
    samples.put("spring.ai.kind", "tool_call");
    samples.put("metadata", "{\"a\":1}");
    for (Map.Entry<String, Object> sample : samples.entrySet()) {
      Map<String, Object> attrs = new LinkedHashMap<>(PLAIN);
      attrs.put(sample.getKey(), sample.getValue());
      SpanRow row = new SpanRow(attrs, List.of());
      assertThat(row.mayMap()).as(sample.getKey()).isTrue();
      row.map();
      boolean read =
          !row.consumed.isEmpty()
              || !row.metadata.isEmpty()
              || !row.tags.isEmpty()
              || row.type != null
              || row.hasInput
              || row.hasOutput;
      assertThat(read).as(sample.getKey() + " is read by a mapping").isTrue();
    }
  }

  @Test
  void aGenAiEventAloneIsEnoughToMap() {
    GenAiEvent event = new GenAiEvent("gen_ai.user.message", 1L, Map.of("content", "hello"), null);
    SpanRow row = new SpanRow(new LinkedHashMap<>(PLAIN), List.of(event));
    assertThat(row.mayMap()).isTrue();
    row.map();
    assertThat(row.hasInput).isTrue();
  }

  @Test
  void everyMappedPrefixBelongsToAFamily() {
    for (String prefix : SpanRow.MAPPED_PREFIXES) {
      assertThat(SpanRow.family(prefix + "x")).as(prefix).isNotZero();
    }
    assertThat(SpanRow.family(SpanRow.MAPPED_KEY)).isEqualTo(SpanRow.OPEN_INFERENCE);
    for (String key : PLAIN.keySet()) {
      assertThat(SpanRow.family(key)).as(key).isZero();
    }
  }

  /** Attributes of every convention, each with what its mapping reads from it. */
  static Map<String, Object> family(int family) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    if (family == SpanRow.GEN_AI) {
      attrs.put("gen_ai.system", "openai");
      attrs.put("gen_ai.request.model", "gpt-4o");
      attrs.put("gen_ai.prompt", "[{\"role\":\"user\",\"content\":\"hi\"}]");
      attrs.put("gen_ai.prompt.0.role", "user");
      attrs.put("gen_ai.prompt.0.content", "hi");
      attrs.put("gen_ai.usage.input_tokens", 3L);
      attrs.put("gen_ai.operation.name", "chat");
    } else if (family == SpanRow.OPEN_INFERENCE) {
      attrs.put("openinference.span.kind", "LLM");
      attrs.put("llm.model_name", "gpt-4o");
      attrs.put("llm.input_messages.0.message.role", "user");
      attrs.put("llm.token_count.prompt", 3L);
      attrs.put("input.value", "hello");
      attrs.put("output.value", "hi");
      attrs.put("embedding.model_name", "text-embedding-3-small");
      attrs.put("retrieval.documents.0.document.content", "doc");
      attrs.put("tag.tags", List.of("a"));
      attrs.put("metadata", "{\"a\":1}");
    } else {
      attrs.put("spring.ai.kind", "tool_call");
      attrs.put("spring.ai.tool.call.arguments", "{\"q\":1}");
      attrs.put("spring.ai.tool.call.result", "ok");
    }
    return attrs;
  }

  @Test
  void eachMappingChangesNothingInASpanWithOnlyOtherConventionsAttributes() {
    int[] families = {SpanRow.GEN_AI, SpanRow.OPEN_INFERENCE, SpanRow.SPRING_AI};
    for (int skipped : families) {
      Map<String, Object> others = new LinkedHashMap<>(PLAIN);
      for (int f : families) {
        if (f != skipped) {
          others.putAll(family(f));
        }
      }
      SpanRow row = new SpanRow(new LinkedHashMap<>(others), List.of());
      assertThat(row.families() & skipped).isZero();
      if (skipped == SpanRow.GEN_AI) {
        LegacyGenAiMapping.apply(row);
        GenAiLatestMapping.apply(row);
      } else if (skipped == SpanRow.OPEN_INFERENCE) {
        OpenInferenceMapping.apply(row);
      } else {
        SpringAiMapping.apply(row);
      }
      assertThat(row.consumed).as("family %d", skipped).isEmpty();
      assertThat(row.metadata).as("family %d", skipped).isEmpty();
      assertThat(row.metrics).as("family %d", skipped).isEmpty();
      assertThat(row.tags).as("family %d", skipped).isEmpty();
      assertThat(row.hasInput || row.hasOutput || row.ai).as("family %d", skipped).isFalse();
      assertThat(row.type).as("family %d", skipped).isNull();
      assertThat(row.attrs).isEqualTo(others);

      // And each of its own attributes is read when it runs.
      SpanRow own = new SpanRow(new LinkedHashMap<>(family(skipped)), List.of());
      assertThat(own.families()).isEqualTo(skipped);
      own.map();
      assertThat(own.consumed.isEmpty() && own.metadata.isEmpty() && own.type == null)
          .as("family %d is read", skipped)
          .isFalse();
    }
  }
}
