package dev.braintrust.reactive.instrumentation.bedrock.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/**
 * An async client that hears of its callers cancelling: every call goes to the wrapped client
 * unchanged, and the future a {@code converse}/{@code converseStream} returns is watched, so a
 * cancelled future ends the call's span as cancelled. The SDK tells its interceptors nothing when a
 * caller cancels a call still waiting for its response; the interceptor alone would leave that span
 * open.
 */
public final class AsyncClientProxy implements InvocationHandler {
  private final BedrockRuntimeAsyncClient target;

  private AsyncClientProxy(BedrockRuntimeAsyncClient target) {
    this.target = target;
  }

  /**
   * {@code client}, watched; a client wrapped before is unwrapped first, so wrapping twice watches
   * once.
   *
   * @throws IllegalArgumentException when the client was built without the tracing interceptor
   */
  public static BedrockRuntimeAsyncClient wrap(BedrockRuntimeAsyncClient client) {
    BedrockRuntimeAsyncClient target = client;
    if (Proxy.isProxyClass(client.getClass())
        && Proxy.getInvocationHandler(client) instanceof AsyncClientProxy p) {
      target = p.target;
    }
    boolean traced = false;
    for (ExecutionInterceptor i :
        target.serviceClientConfiguration().overrideConfiguration().executionInterceptors()) {
      traced |= i instanceof BedrockInterceptor;
    }
    if (!traced) {
      throw new IllegalArgumentException(
          "the client has no Braintrust interceptor: build it from BraintrustBedrock.wrap(builder,"
              + " tracer) or add BraintrustBedrock.interceptor(tracer) to its override"
              + " configuration");
    }
    return (BedrockRuntimeAsyncClient)
        Proxy.newProxyInstance(
            BedrockRuntimeAsyncClient.class.getClassLoader(),
            new Class<?>[] {BedrockRuntimeAsyncClient.class},
            new AsyncClientProxy(target));
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args)
      throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        case "toString" -> "Traced" + target;
        default -> invoke(method, args);
      };
    }
    boolean watched =
        (method.getName().equals("converse") || method.getName().equals("converseStream"))
            && method.getReturnType() == CompletableFuture.class;
    if (!watched) {
      return invoke(method, args);
    }
    Call[] slot = new Call[1];
    Call[] outer = BedrockInterceptor.HANDOFF.get();
    BedrockInterceptor.HANDOFF.set(slot);
    Object result;
    try {
      result = invoke(method, args);
    } finally {
      BedrockInterceptor.HANDOFF.set(outer);
    }
    Call call = slot[0];
    if (call != null && result instanceof CompletableFuture<?> future) {
      future.whenComplete(
          (value, error) -> {
            if (future.isCancelled()) {
              call.callerCancelled();
            }
          });
    }
    return result;
  }

  private @Nullable Object invoke(Method method, Object @Nullable [] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
