package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.EmbeddingRows;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelErrorContext;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.embedding.listener.EmbeddingModelRequestContext;
import dev.langchain4j.model.embedding.listener.EmbeddingModelResponseContext;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes each embeddings call of the models it is registered on an {@code llm} span in the spec's
 * canonical shape ({@link EmbeddingRows}): the texts as indexed inputs, the model as metadata, the
 * count of vectors as output (never the vectors), tokens as metrics.
 */
public final class EmbeddingSpanListener implements EmbeddingModelListener {
  /** The span's name, as the OpenAI wrapper names embeddings spans. */
  public static final String SPAN_NAME = "Embedding";

  private static final LibraryLog LOG = LibraryLog.get(EmbeddingSpanListener.class);
  private static final Object SPAN =
      new Object() {
        @Override
        public String toString() {
          return "braintrust.span";
        }
      };

  private final Tracer tracer;

  public EmbeddingSpanListener(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public void onRequest(EmbeddingModelRequestContext ctx) {
    try {
      CallSpan span = new CallSpan(tracer.startSpan(SPAN_NAME, SpanType.LLM));
      ctx.attributes().put(SPAN, span);
      List<String> texts = new ArrayList<>();
      for (TextSegment s : ctx.textSegments()) {
        texts.add(s.text());
      }
      Integer dimensions =
          ctx.embeddingRequest() == null ? null : ctx.embeddingRequest().dimensions();
      Log.Builder b = Log.builder().input(EmbeddingRows.input(texts, dimensions));
      String provider = Rows.provider(ctx.modelProvider(), ctx.embeddingModel());
      if (provider != null) {
        b.metadata("provider", provider);
      }
      EmbeddingModel model = ctx.embeddingModel();
      String name = ctx.embeddingRequest() == null ? null : ctx.embeddingRequest().modelName();
      if (name == null && model != null) {
        name = model.modelName();
      }
      if (name != null) {
        b.metadata("model", name);
      }
      span.log(b);
    } catch (RuntimeException e) {
      LOG.warn("could not start a span for an embeddings request: {}", e.toString());
    }
  }

  @Override
  public void onResponse(EmbeddingModelResponseContext ctx) {
    Object span = ctx.attributes().get(SPAN);
    if (!(span instanceof CallSpan) || !((CallSpan) span).claimEnd()) {
      return;
    }
    Log.Builder b = null;
    try {
      EmbeddingResponse response = ctx.embeddingResponse();
      List<Embedding> vectors = response.embeddings();
      b = Log.builder().output(EmbeddingRows.output(vectors.size()));
      // The resolved model the provider reports wins over the requested one.
      String model = response.modelName();
      if (model != null) {
        b.metadata("model", model);
      }
      Rows.usage(b, response.tokenUsage(), false);
    } catch (RuntimeException e) {
      LOG.warn("could not read an embeddings response for its span: {}", e.toString());
    }
    ((CallSpan) span).end(b);
  }

  @Override
  public void onError(EmbeddingModelErrorContext ctx) {
    Object span = ctx.attributes().get(SPAN);
    if (span instanceof CallSpan) {
      ((CallSpan) span).fail(ctx.error());
    }
  }
}
