package dev.braintrust.reactive.instrumentation.anthropic;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.instrumentation.anthropic.internal.TracingProxy;
import java.util.Objects;

/**
 * Traces an Anthropic Java SDK client: every {@code messages().create(...)} and {@code
 * messages().createStreaming(...)}, blocking or through {@code async()}, becomes an {@code llm}
 * span, child of the span current on the calling thread (inside a reactive chain, call through
 * {@code Tracing.fromCallable} so the Reactor context's span is current).
 *
 * <pre>{@code
 * AnthropicClient client = BraintrustAnthropic.wrap(AnthropicOkHttpClient.fromEnv(), tracer);
 * Message reply = client.messages().create(params);   // traced
 * }</pre>
 *
 * <p>The span's {@code input} is the system prompt (as a leading {@code system} message) followed
 * by the messages; {@code output} the reply message (for streams, assembled from the events);
 * {@code metadata} holds {@code provider: anthropic}, the model and the other request parameters
 * (tools, tool_choice, max_tokens, temperature, ...); {@code metrics} hold {@code prompt_tokens}
 * (cached tokens included), {@code completion_tokens}, {@code tokens}, {@code prompt_cached_tokens}
 * and {@code prompt_cache_creation_tokens} where reported, and for streams {@code
 * time_to_first_token}. Errors are recorded on the span and rethrown unchanged.
 *
 * <p>The wrapped client returns the same types, values, exceptions and stream events in the same
 * order, and adds no blocking. A stream's span ends when the stream completes, fails or is closed,
 * so close streams you stop reading. Other services ({@code beta()}, {@code models()}, batches,
 * {@code withRawResponse()}) pass through untraced.
 */
public final class BraintrustAnthropic {
  private BraintrustAnthropic() {}

  /**
   * A client that traces Messages calls through {@code tracer}; wrapping twice traces once.
   *
   * @param client the client to wrap
   * @param tracer the tracer to record spans with
   * @return the tracing client
   */
  public static AnthropicClient wrap(AnthropicClient client, Tracer tracer) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(tracer, "tracer");
    return TracingProxy.wrap(AnthropicClient.class, client, tracer);
  }

  /**
   * The same for an asynchronous client.
   *
   * @param client the client to wrap
   * @param tracer the tracer to record spans with
   * @return the tracing client
   */
  public static AnthropicClientAsync wrap(AnthropicClientAsync client, Tracer tracer) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(tracer, "tracer");
    return TracingProxy.wrap(AnthropicClientAsync.class, client, tracer);
  }
}
