package dev.braintrust.reactive.instrumentation.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.instrumentation.openai.internal.ServiceProxy;
import java.util.Objects;

/**
 * Traces an OpenAI Java client: every chat completion (whole, streamed, sync or async), every
 * embeddings call and every Responses API call (whole or streamed, sync or async) becomes an {@code
 * llm} span, child of the span current on the calling thread, in the shape of Braintrust's span
 * spec ({@code docs/span-spec.md}).
 *
 * <pre>{@code
 * OpenAIClient client = BraintrustOpenAI.wrap(OpenAIOkHttpClient.fromEnv(), tracer);
 * ChatCompletion reply = client.chat().completions().create(params);   // an llm span
 * }</pre>
 *
 * <p>The wrapped client returns the same objects, chunks and exceptions as the original and adds no
 * blocking: it records what passes through and hands rows to the tracer's buffer.
 */
public final class BraintrustOpenAI {
  private BraintrustOpenAI() {}

  /**
   * A client that traces {@code chat().completions()} ({@code create}, {@code createStreaming}),
   * {@code embeddings().create} and {@code responses()} ({@code create}, {@code createStreaming}),
   * including through {@code async()} and {@code withOptions}. Other services and {@code
   * withRawResponse()} pass through untraced. Wrapping a wrapped client returns it unchanged.
   *
   * @param client the client to wrap
   * @param tracer the tracer to record spans with
   * @return the tracing client
   */
  public static OpenAIClient wrap(OpenAIClient client, Tracer tracer) {
    return ServiceProxy.wrap(
        OpenAIClient.class,
        Objects.requireNonNull(client, "client"),
        Objects.requireNonNull(tracer, "tracer"));
  }

  /**
   * The same for an asynchronous client.
   *
   * @param client the client to wrap
   * @param tracer the tracer to record spans with
   * @return the tracing client
   */
  public static OpenAIClientAsync wrap(OpenAIClientAsync client, Tracer tracer) {
    return ServiceProxy.wrap(
        OpenAIClientAsync.class,
        Objects.requireNonNull(client, "client"),
        Objects.requireNonNull(tracer, "tracer"));
  }
}
