package dev.braintrust.reactive.instrumentation.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.RequestOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.services.async.EmbeddingServiceAsync;
import com.openai.services.blocking.EmbeddingService;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.EmbeddingRows;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Embeddings calls as {@code llm} spans in the spec's canonical shape ({@link EmbeddingRows}): one
 * input entry per returned embedding, the output a count and indices (never the vectors), the
 * metadata the provider and the model, the usage the metrics.
 */
final class EmbeddingCalls {
  static final String SPAN_NAME = "Embedding";
  private static final LibraryLog LOG = LibraryLog.get(EmbeddingCalls.class);

  private EmbeddingCalls() {}

  static CreateEmbeddingResponse create(
      Tracer tracer,
      EmbeddingService service,
      EmbeddingCreateParams params,
      RequestOptions options) {
    CallSpan span = start(tracer, params);
    CreateEmbeddingResponse response = span.guard(() -> service.create(params, options));
    completed(span, response);
    return response;
  }

  static CompletableFuture<CreateEmbeddingResponse> createAsync(
      Tracer tracer,
      EmbeddingServiceAsync service,
      EmbeddingCreateParams params,
      RequestOptions options) {
    CallSpan span = start(tracer, params);
    CompletableFuture<CreateEmbeddingResponse> future =
        span.guard(() -> service.create(params, options));
    return Futures.traced(future, span, EmbeddingCalls::completed);
  }

  private static CallSpan start(Tracer tracer, EmbeddingCreateParams params) {
    CallSpan span = new CallSpan(tracer.startSpan(SPAN_NAME, SpanType.LLM));
    try {
      Log.Builder b = Log.builder();
      b.metadata("provider", "openai");
      params._model().asKnown().ifPresent(m -> b.metadata("model", m.toString()));
      b.input(canonicalInput(SdkJson.tree(params._body())));
      span.log(b);
    } catch (RuntimeException e) {
      LOG.warn("could not record an embeddings request: {}", e.toString());
    }
    return span;
  }

  private static void completed(CallSpan span, CreateEmbeddingResponse response) {
    if (!span.claimEnd()) {
      return;
    }
    Log.Builder b = Log.builder();
    try {
      response._model().asString().ifPresent(m -> b.metadata("model", m));
      response._data().asKnown().ifPresent(d -> b.output(EmbeddingRows.output(d.size())));
      response
          ._usage()
          .asKnown()
          .ifPresent(
              u -> {
                Usage.put(b, "prompt_tokens", u._promptTokens().asNumber());
                Usage.put(b, "tokens", u._totalTokens().asNumber());
              });
    } catch (RuntimeException e) {
      LOG.warn("could not read an embeddings response for its span: {}", e.toString());
    }
    span.end(b);
  }

  /**
   * The canonical input of a request body: a string is one input; an array of strings or of token
   * arrays one input per element; a single token array one input.
   */
  static Map<String, Object> canonicalInput(ObjectNode body) {
    List<Object> contents = new ArrayList<>();
    JsonNode input = body.path("input");
    boolean tokenArray = input.isArray() && input.size() > 0 && input.get(0).isNumber();
    if (input.isArray() && !tokenArray) {
      input.forEach(i -> contents.add(i.isTextual() ? i.asText() : i));
    } else if (!input.isMissingNode()) {
      contents.add(input.isTextual() ? input.asText() : input);
    }
    JsonNode dims = body.path("dimensions");
    return EmbeddingRows.input(contents, dims.isIntegralNumber() ? dims.asLong() : null);
  }
}
