package dev.braintrust.reactive.instrumentation.bedrock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeServiceClientConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;

/**
 * A decorator of the kind applications put around an SDK client (a bulkhead, a rate limiter): each
 * call is handed to {@code executor}, so the SDK starts it, and runs the interceptors' {@code
 * beforeExecution}, on that executor's thread and not on the caller's. The future it returns
 * forwards a cancel to the SDK's future, as such decorators do.
 */
final class DispatchingClient implements BedrockRuntimeAsyncClient {
  private final BedrockRuntimeAsyncClient sdk;
  private final Executor executor;

  DispatchingClient(BedrockRuntimeAsyncClient sdk, Executor executor) {
    this.sdk = sdk;
    this.executor = executor;
  }

  @Override
  public CompletableFuture<ConverseResponse> converse(ConverseRequest request) {
    CompletableFuture<ConverseResponse> outer = new CompletableFuture<>();
    executor.execute(() -> relay(sdk.converse(request), outer));
    return outer;
  }

  @Override
  public CompletableFuture<Void> converseStream(
      ConverseStreamRequest request, ConverseStreamResponseHandler handler) {
    CompletableFuture<Void> outer = new CompletableFuture<>();
    executor.execute(() -> relay(sdk.converseStream(request, handler), outer));
    return outer;
  }

  private static <T> void relay(CompletableFuture<T> inner, CompletableFuture<T> outer) {
    inner.whenComplete(
        (value, error) -> {
          if (error != null) {
            outer.completeExceptionally(error);
          } else {
            outer.complete(value);
          }
        });
    outer.whenComplete(
        (value, error) -> {
          if (outer.isCancelled()) {
            inner.cancel(true);
          }
        });
  }

  @Override
  public BedrockRuntimeServiceClientConfiguration serviceClientConfiguration() {
    return sdk.serviceClientConfiguration();
  }

  @Override
  public String serviceName() {
    return sdk.serviceName();
  }

  @Override
  public void close() {
    sdk.close();
  }
}
