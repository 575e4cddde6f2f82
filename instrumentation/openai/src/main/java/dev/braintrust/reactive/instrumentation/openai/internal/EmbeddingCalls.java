package dev.braintrust.reactive.instrumentation.openai.internal;

import com.openai.core.RequestOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.services.async.EmbeddingServiceAsync;
import com.openai.services.blocking.EmbeddingService;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Embeddings calls as {@code llm} spans: the input texts are the input, model and options the
 * metadata, the number and size of the vectors the output (not the vectors: they are large and say
 * nothing to a reader), the usage the metrics.
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
      RequestFields.record(b, params._body(), "input");
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
      Map<String, Object> output = new LinkedHashMap<>();
      output.put("embeddings", response.data().size());
      if (!response.data().isEmpty()) {
        output.put("dimensions", response.data().get(0).embedding().size());
      }
      b.output(output);
      CreateEmbeddingResponse.Usage u = response.usage();
      Usage.put(b, "prompt_tokens", u._promptTokens().asNumber());
      Usage.put(b, "tokens", u._totalTokens().asNumber());
    } catch (RuntimeException e) {
      LOG.warn("could not read an embeddings response for its span: {}", e.toString());
    }
    span.end(b);
  }
}
