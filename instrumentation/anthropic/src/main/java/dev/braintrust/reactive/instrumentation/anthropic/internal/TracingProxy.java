package dev.braintrust.reactive.instrumentation.anthropic.internal;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.core.RequestOptions;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.services.async.MessageServiceAsync;
import com.anthropic.services.blocking.MessageService;
import dev.braintrust.reactive.core.Tracer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A dynamic proxy over one of the SDK's client or Messages service interfaces. Proxies, rather than
 * classes implementing those interfaces, keep working when a newer SDK adds methods: whatever this
 * code does not know is passed through.
 *
 * <ul>
 *   <li>{@code create} and {@code createStreaming} with {@code (MessageCreateParams,
 *       RequestOptions)} are traced; they are the interfaces' only abstract forms of those calls.
 *   <li>Default methods (the other overloads, structured outputs) run on the proxy, so they reach
 *       the traced forms exactly once.
 *   <li>Methods returning a client or Messages service ({@code messages()}, {@code async()}, {@code
 *       sync()}, {@code withOptions(...)}) return it proxied too.
 *   <li>Everything else, {@code beta()}, {@code models()}, {@code withRawResponse()}, {@code
 *       close()} and the rest, goes straight to the SDK.
 * </ul>
 */
public final class TracingProxy implements InvocationHandler {
  private static final Set<Class<?>> WRAPPED =
      Set.of(
          AnthropicClient.class,
          AnthropicClientAsync.class,
          MessageService.class,
          MessageServiceAsync.class);

  private final Object target;
  private final MessageCalls calls;
  // Services of a client, proxied once: callers reach them per call (client.messages().create).
  private final Map<Method, Object> services = new ConcurrentHashMap<>();

  private TracingProxy(Object target, MessageCalls calls) {
    this.target = target;
    this.calls = calls;
  }

  /**
   * {@code target} proxied as {@code iface}, tracing with {@code tracer}. A target that is itself
   * such a proxy is unwrapped first, so wrapping twice traces once, with the newer tracer.
   */
  public static <T> T wrap(Class<T> iface, T target, Tracer tracer) {
    return wrap(iface, unwrap(target), new MessageCalls(instrumented(tracer)));
  }

  /** The module name this wrapper's spans carry in {@code context.span_origin}. */
  public static final String INSTRUMENTATION = "instrumentation-anthropic";

  /** The tracer naming this module as the spans' origin, unless the caller named another. */
  private static Tracer instrumented(Tracer tracer) {
    return tracer.withDefaultInstrumentation(INSTRUMENTATION);
  }

  private static <T> T wrap(Class<T> iface, T target, MessageCalls calls) {
    Object proxy =
        Proxy.newProxyInstance(
            iface.getClassLoader(), new Class<?>[] {iface}, new TracingProxy(target, calls));
    return iface.cast(proxy);
  }

  @SuppressWarnings("unchecked")
  private static <T> T unwrap(T target) {
    if (Proxy.isProxyClass(target.getClass())
        && Proxy.getInvocationHandler(target) instanceof TracingProxy handler) {
      return (T) handler.target;
    }
    return target;
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args)
      throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return objectMethod(proxy, method, args);
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    if (args != null
        && args.length == 2
        && args[0] instanceof MessageCreateParams params
        && args[1] instanceof RequestOptions options) {
      switch (method.getName()) {
        case "create" -> {
          if (target instanceof MessageService s) {
            return calls.create(s, params, options);
          }
          if (target instanceof MessageServiceAsync s) {
            return calls.createAsync(s, params, options);
          }
        }
        case "createStreaming" -> {
          if (target instanceof MessageService s) {
            return calls.createStreaming(s, params, options);
          }
          if (target instanceof MessageServiceAsync s) {
            return calls.createStreamingAsync(s, params, options);
          }
        }
        default -> {
          // Not a traced call: passed through below.
        }
      }
    }
    Class<?> type = method.getReturnType();
    if (!WRAPPED.contains(type)) {
      return forward(method, args);
    }
    if (args == null || args.length == 0) {
      // Looked up first: computeIfAbsent's capturing lambda would be garbage on every call.
      Object service = services.get(method);
      return service != null
          ? service
          : services.computeIfAbsent(method, m -> wrapResult(type, forwardUnchecked(m)));
    }
    return wrapResult(type, forward(method, args));
  }

  private @Nullable Object wrapResult(Class<?> type, @Nullable Object result) {
    return result == null ? null : wrapAs(type, result);
  }

  private <T> T wrapAs(Class<T> type, Object result) {
    return wrap(type, type.cast(result), calls);
  }

  private @Nullable Object forward(Method method, Object @Nullable [] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      // The SDK's own exception, exactly as it threw it.
      throw e.getCause();
    }
  }

  private @Nullable Object forwardUnchecked(Method method) {
    try {
      return forward(method, null);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private @Nullable Object objectMethod(Object proxy, Method method, Object @Nullable [] args) {
    return switch (method.getName()) {
      case "equals" -> args != null && proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      default -> target.toString();
    };
  }
}
