package dev.braintrust.reactive.instrumentation.bedrock.internal;

import dev.braintrust.reactive.core.internal.LibraryLog;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;

/**
 * An async client that hears of its callers cancelling: the future a {@code converse}/{@code
 * converseStream} returns is watched, so a cancelled future ends the call's span as cancelled. The
 * SDK tells its interceptors nothing when a caller cancels a call still waiting for its response;
 * the interceptor alone would leave that span open.
 *
 * <p>The future and the span meet through a {@code CancelLink} the request carries as an execution
 * attribute of its override configuration (the caller's own configuration is kept whole), so
 * neither side depends on which thread runs the interceptor nor on which comes first. Every other
 * call goes to the wrapped client unchanged.
 */
public final class AsyncClientProxy implements InvocationHandler {
  private static final LibraryLog LOG = LibraryLog.get(AsyncClientProxy.class);
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
    CompletableFuture<?> watched = args == null ? null : watched(method, args);
    return watched != null ? watched : invoke(method, args);
  }

  /**
   * A {@code converse}/{@code converseStream} call, sent with its request carrying a new {@link
   * CancelLink} and its future watched; null for any other method (or a null request), which goes
   * to the client unchanged. A builder consumer is built into its request first, as the SDK's own
   * default method does.
   */
  @SuppressWarnings("unchecked")
  private @Nullable CompletableFuture<?> watched(Method method, Object[] args) {
    if (method.getReturnType() != CompletableFuture.class || args.length == 0 || args[0] == null) {
      return null;
    }
    CancelLink link = new CancelLink();
    CompletableFuture<?> future;
    if (method.getName().equals("converse") && args.length == 1) {
      ConverseRequest r;
      if (args[0] instanceof ConverseRequest request) {
        r = request;
      } else {
        ConverseRequest.Builder b = ConverseRequest.builder();
        ((Consumer<ConverseRequest.Builder>) args[0]).accept(b);
        r = b.build();
      }
      ConverseRequest sent;
      try {
        sent = r.toBuilder().overrideConfiguration(linked(r.overrideConfiguration(), link)).build();
      } catch (RuntimeException | LinkageError e) {
        return unwatched(e, () -> target.converse(r));
      }
      future = target.converse(sent);
    } else if (method.getName().equals("converseStream")
        && args.length == 2
        && args[1] instanceof ConverseStreamResponseHandler handler) {
      ConverseStreamRequest r;
      if (args[0] instanceof ConverseStreamRequest request) {
        r = request;
      } else {
        ConverseStreamRequest.Builder b = ConverseStreamRequest.builder();
        ((Consumer<ConverseStreamRequest.Builder>) args[0]).accept(b);
        r = b.build();
      }
      ConverseStreamRequest sent;
      try {
        sent = r.toBuilder().overrideConfiguration(linked(r.overrideConfiguration(), link)).build();
      } catch (RuntimeException | LinkageError e) {
        return unwatched(e, () -> target.converseStream(r, handler));
      }
      future = target.converseStream(sent, handler);
    } else {
      return null;
    }
    future.whenComplete(
        (value, error) -> {
          if (future.isCancelled()) {
            link.cancel();
          }
        });
    return future;
  }

  /**
   * The call sent as the caller made it, traced but not watched, when its request could not carry
   * the link (e.g. an SDK older or newer than this module was built with): tracing never fails a
   * call.
   */
  private static CompletableFuture<?> unwatched(
      Throwable why, Supplier<CompletableFuture<?>> call) {
    LOG.warn("could not watch a Bedrock call for cancellation; sending it unwatched", why);
    return call.get();
  }

  /** The caller's override configuration, kept whole, with {@code link} added. */
  private static AwsRequestOverrideConfiguration linked(
      Optional<AwsRequestOverrideConfiguration> config, CancelLink link) {
    return config
        .map(AwsRequestOverrideConfiguration::toBuilder)
        .orElseGet(AwsRequestOverrideConfiguration::builder)
        .putExecutionAttribute(BedrockInterceptor.LINK, link)
        .build();
  }

  private @Nullable Object invoke(Method method, Object @Nullable [] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
