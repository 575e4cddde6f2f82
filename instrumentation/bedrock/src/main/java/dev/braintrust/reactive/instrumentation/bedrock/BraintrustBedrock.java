package dev.braintrust.reactive.instrumentation.bedrock;

import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.instrumentation.bedrock.internal.AsyncClientProxy;
import dev.braintrust.reactive.instrumentation.bedrock.internal.BedrockInterceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/**
 * Traces an AWS Bedrock Runtime client: every {@code converse} (sync and async client) and {@code
 * converseStream} (async client) call becomes an {@code llm} span named {@code bedrock.converse} or
 * {@code bedrock.converse-stream}, child of the span current on the calling thread.
 *
 * <pre>{@code
 * BedrockRuntimeClient client =
 *     BraintrustBedrock.wrap(BedrockRuntimeClient.builder(), tracer).build();
 * // or, on a builder you configure yourself:
 * builder.overrideConfiguration(c -> c.addExecutionInterceptor(BraintrustBedrock.interceptor(tracer)));
 * }</pre>
 *
 * <p>The span's {@code input} is the system prompt (as a leading {@code system} message) followed
 * by the messages, in Converse's own block shape with a {@code type} added to text, image, tool use
 * and tool result blocks; {@code output} is the reply message in a one-element list (for streams,
 * assembled from the events); {@code metadata} holds {@code provider: bedrock}, the model id, the
 * allowlisted inference parameters and the tools in the OpenAI shape; {@code metrics} hold the
 * token counts and, for streams, {@code time_to_first_token}. The interceptor never changes the
 * request or the response; errors are recorded on the span and reach the caller unchanged. Other
 * operations ({@code invokeModel}, guardrails, ...) pass through untraced.
 */
public final class BraintrustBedrock {
  private BraintrustBedrock() {}

  /**
   * An interceptor tracing Converse calls through {@code tracer}, to add to a client builder's
   * {@code overrideConfiguration}.
   *
   * @param tracer the tracer to record spans with
   * @return the interceptor
   */
  public static ExecutionInterceptor interceptor(Tracer tracer) {
    Objects.requireNonNull(tracer, "tracer");
    return new BedrockInterceptor(tracer);
  }

  /**
   * An async client built with the tracing interceptor, watched so that a caller cancelling the
   * future of a {@code converse} or {@code converseStream} call ends its span as cancelled (the SDK
   * does not tell interceptors of that). Other calls go to {@code client} unchanged; a {@code
   * converse}/{@code converseStream} request goes with one execution attribute added to its
   * override configuration (the caller's configuration kept), which links the future to the span
   * whichever thread the SDK starts the call on.
   *
   * @param client a client built from a builder passed to {@link #wrap(SdkClientBuilder, Tracer)}
   *     (or with {@link #interceptor(Tracer)} added)
   * @return the watching client
   * @throws IllegalArgumentException when {@code client} has no tracing interceptor
   */
  public static BedrockRuntimeAsyncClient watchCancellation(BedrockRuntimeAsyncClient client) {
    Objects.requireNonNull(client, "client");
    return AsyncClientProxy.wrap(client);
  }

  /**
   * Adds the tracing interceptor to {@code builder}'s override configuration, keeping the
   * configuration and interceptors already set; a tracing interceptor added before is replaced, so
   * wrapping twice traces once. Works for {@code BedrockRuntimeClient.builder()} and {@code
   * BedrockRuntimeAsyncClient.builder()}.
   *
   * @param builder the client builder
   * @param tracer the tracer to record spans with
   * @param <B> the builder's type
   * @return {@code builder}
   */
  public static <B extends SdkClientBuilder<B, ?>> B wrap(B builder, Tracer tracer) {
    Objects.requireNonNull(builder, "builder");
    Objects.requireNonNull(tracer, "tracer");
    ClientOverrideConfiguration.Builder config = builder.overrideConfiguration().toBuilder();
    List<ExecutionInterceptor> interceptors = new ArrayList<>(config.executionInterceptors());
    interceptors.removeIf(BedrockInterceptor.class::isInstance);
    interceptors.add(new BedrockInterceptor(tracer));
    return builder.overrideConfiguration(config.executionInterceptors(interceptors).build());
  }
}
