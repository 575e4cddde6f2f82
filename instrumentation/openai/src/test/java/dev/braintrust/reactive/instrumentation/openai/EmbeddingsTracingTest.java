package dev.braintrust.reactive.instrumentation.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Embeddings calls, sync and async, as llm spans. */
@ExtendWith(BraintrustTestServerExtension.class)
@SuppressWarnings("try") // scopes opened only to make a span current
class EmbeddingsTracingTest {

  @Test
  void anEmbeddingsCallRecordsItsInputModelVectorCountAndTokens(BraintrustTestServer server)
      throws Exception {
    try (Fixture f = new Fixture(server)) {
      EmbeddingCreateParams params =
          EmbeddingCreateParams.builder()
              .model("text-embedding-3-small")
              .inputOfArrayOfStrings(List.of("red apples", "green pears grow"))
              .dimensions(4)
              .build();
      Span root = f.tracer.startSpan("index", SpanType.TASK);
      CreateEmbeddingResponse sync;
      CreateEmbeddingResponse async;
      try (Scope ignored = root.makeCurrent()) {
        sync = f.traced.embeddings().create(params);
        async = f.traced.async().embeddings().create(params).get(10, TimeUnit.SECONDS);
      } finally {
        root.end();
      }

      assertThat(sync.data()).hasSize(2);
      assertThat(async.data().get(1).embedding()).isEqualTo(sync.data().get(1).embedding());
      String parent = f.row("index").get("span_id").asText();
      List<ObjectNode> rows =
          f.rows().stream()
              .filter(r -> r.get("span_attributes").get("name").asText().equals("Embedding"))
              .toList();
      assertThat(rows)
          .hasSize(2)
          .allSatisfy(
              r -> {
                assertThat(r.get("span_attributes").get("type").asText()).isEqualTo("llm");
                assertThat(r.get("span_parents").get(0).asText()).isEqualTo(parent);
                // The canonical shape of embeddings.md: one input per returned embedding, the
                // requested size, and a count, never the vectors.
                JsonNode input = r.get("input");
                assertThat(input.get("inputs")).hasSize(2);
                assertThat(input.at("/inputs/0/content").asText()).isEqualTo("red apples");
                assertThat(input.at("/inputs/1/content").asText()).isEqualTo("green pears grow");
                assertThat(input.at("/inputs/1/index").asInt()).isEqualTo(1);
                assertThat(input.get("output_dimensions").asInt()).isEqualTo(4);
                assertThat(r.get("metadata").get("model").asText())
                    .startsWith("text-embedding-3-small");
                assertThat(r.get("metadata").get("provider").asText()).isEqualTo("openai");
                assertThat(r.get("output").size()).isEqualTo(2);
                assertThat(r.get("output").get("count").asInt()).isEqualTo(2);
                assertThat(r.at("/output/embeddings/0/index").asInt()).isZero();
                assertThat(r.at("/output/embeddings/1").size()).isEqualTo(1);
                assertThat(r.get("metrics").has("completion_tokens")).isFalse();
                // The fake counts words.
                assertThat(r.get("metrics").get("prompt_tokens").asInt()).isEqualTo(5);
                assertThat(r.get("metrics").get("tokens").asInt()).isEqualTo(5);
              });
    }
  }
}
