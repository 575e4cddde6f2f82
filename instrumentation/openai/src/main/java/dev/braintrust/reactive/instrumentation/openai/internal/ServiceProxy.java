package dev.braintrust.reactive.instrumentation.openai.internal;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.core.RequestOptions;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.services.async.ChatServiceAsync;
import com.openai.services.async.EmbeddingServiceAsync;
import com.openai.services.async.ResponseServiceAsync;
import com.openai.services.async.chat.ChatCompletionServiceAsync;
import com.openai.services.blocking.ChatService;
import com.openai.services.blocking.EmbeddingService;
import com.openai.services.blocking.ResponseService;
import com.openai.services.blocking.chat.ChatCompletionService;
import dev.braintrust.reactive.core.Tracer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A dynamic proxy over one of the OpenAI client's service interfaces. Proxies rather than
 * hand-written delegates so that methods a newer client adds still pass through, and so any {@code
 * OpenAIClient} implementation can be wrapped without touching its internals.
 *
 * <p>Only the abstract {@code create}/{@code createStreaming(params, options)} methods are traced.
 * Their default overloads (no options, structured outputs) run on the proxy, so they reach the
 * traced method once, exactly as they reach the real one on the client.
 */
public final class ServiceProxy implements InvocationHandler {
  /**
   * Services whose results are wrapped in turn, so {@code client.chat().completions()} is traced.
   */
  private static final Set<Class<?>> WRAPPED =
      Set.of(
          OpenAIClient.class,
          OpenAIClientAsync.class,
          ChatService.class,
          ChatServiceAsync.class,
          ChatCompletionService.class,
          ChatCompletionServiceAsync.class,
          EmbeddingService.class,
          EmbeddingServiceAsync.class,
          ResponseService.class,
          ResponseServiceAsync.class);

  // Per declaring interface, so routes go away with the client's class loader.
  private static final ClassValue<ConcurrentHashMap<Method, Route>> ROUTES =
      new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<Method, Route> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };
  private static final Object[] NO_ARGS = {};

  private enum Route {
    PASS,
    CHILD,
    VIA_PROXY,
    OBJECT,
    CHAT,
    CHAT_STREAM,
    CHAT_ASYNC,
    CHAT_STREAM_ASYNC,
    EMBED,
    EMBED_ASYNC,
    RESPOND,
    RESPOND_ASYNC,
    RESPOND_STREAM,
    RESPOND_STREAM_ASYNC
  }

  private final Object target;
  private final Tracer tracer;
  // The last child handed out per method: services are long-lived, so chat() is wrapped once.
  private final ConcurrentHashMap<Method, Object[]> children = new ConcurrentHashMap<>();

  private ServiceProxy(Object target, Tracer tracer) {
    this.target = target;
    this.tracer = tracer;
  }

  /**
   * {@code target} behind a tracing proxy implementing {@code iface}; a proxy is returned as is.
   */
  public static <T> T wrap(Class<T> iface, T target, Tracer tracer) {
    if (Proxy.isProxyClass(target.getClass())
        && Proxy.getInvocationHandler(target) instanceof ServiceProxy) {
      return target;
    }
    Object proxy =
        Proxy.newProxyInstance(
            iface.getClassLoader(),
            new Class<?>[] {iface},
            new ServiceProxy(target, instrumented(tracer)));
    return iface.cast(proxy);
  }

  /** The module name this wrapper's spans carry in {@code context.span_origin}. */
  public static final String INSTRUMENTATION = "instrumentation-openai";

  /** The tracer naming this module as the spans' origin, unless the caller named another. */
  private static Tracer instrumented(Tracer tracer) {
    return tracer.withDefaultInstrumentation(INSTRUMENTATION);
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args)
      throws Throwable {
    Object[] a = args == null ? NO_ARGS : args;
    switch (ROUTES.get(method.getDeclaringClass()).computeIfAbsent(method, ServiceProxy::route)) {
      case CHAT:
        return ChatCalls.create(
            tracer,
            (ChatCompletionService) target,
            (ChatCompletionCreateParams) a[0],
            (RequestOptions) a[1]);
      case CHAT_STREAM:
        return ChatCalls.createStreaming(
            tracer,
            (ChatCompletionService) target,
            (ChatCompletionCreateParams) a[0],
            (RequestOptions) a[1]);
      case CHAT_ASYNC:
        return ChatCalls.createAsync(
            tracer,
            (ChatCompletionServiceAsync) target,
            (ChatCompletionCreateParams) a[0],
            (RequestOptions) a[1]);
      case CHAT_STREAM_ASYNC:
        return ChatCalls.createStreamingAsync(
            tracer,
            (ChatCompletionServiceAsync) target,
            (ChatCompletionCreateParams) a[0],
            (RequestOptions) a[1]);
      case EMBED:
        return EmbeddingCalls.create(
            tracer, (EmbeddingService) target, (EmbeddingCreateParams) a[0], (RequestOptions) a[1]);
      case EMBED_ASYNC:
        return EmbeddingCalls.createAsync(
            tracer,
            (EmbeddingServiceAsync) target,
            (EmbeddingCreateParams) a[0],
            (RequestOptions) a[1]);
      case RESPOND:
        return ResponseCalls.create(
            tracer, (ResponseService) target, (ResponseCreateParams) a[0], (RequestOptions) a[1]);
      case RESPOND_ASYNC:
        return ResponseCalls.createAsync(
            tracer,
            (ResponseServiceAsync) target,
            (ResponseCreateParams) a[0],
            (RequestOptions) a[1]);
      case RESPOND_STREAM:
        return ResponseCalls.createStreaming(
            tracer, (ResponseService) target, (ResponseCreateParams) a[0], (RequestOptions) a[1]);
      case RESPOND_STREAM_ASYNC:
        return ResponseCalls.createStreamingAsync(
            tracer,
            (ResponseServiceAsync) target,
            (ResponseCreateParams) a[0],
            (RequestOptions) a[1]);
      case VIA_PROXY:
        return InvocationHandler.invokeDefault(proxy, method, a);
      case OBJECT:
        return objectMethod(proxy, method, a);
      case CHILD:
        return child(method, call(method, a));
      default:
        return call(method, a);
    }
  }

  private static Route route(Method m) {
    if (m.getDeclaringClass() == Object.class) {
      return Route.OBJECT;
    }
    Class<?> owner = m.getDeclaringClass();
    String name = m.getName();
    boolean chat =
        owner == ChatCompletionService.class || owner == ChatCompletionServiceAsync.class;
    boolean embed = owner == EmbeddingService.class || owner == EmbeddingServiceAsync.class;
    boolean respond = owner == ResponseService.class || owner == ResponseServiceAsync.class;
    if (respond && (name.equals("create") || name.equals("createStreaming"))) {
      if (m.isDefault()) {
        return Route.VIA_PROXY;
      }
      if (!Arrays.asList(m.getParameterTypes())
          .equals(List.of(ResponseCreateParams.class, RequestOptions.class))) {
        return Route.PASS;
      }
      boolean async = owner == ResponseServiceAsync.class;
      return name.equals("create")
          ? (async ? Route.RESPOND_ASYNC : Route.RESPOND)
          : (async ? Route.RESPOND_STREAM_ASYNC : Route.RESPOND_STREAM);
    }
    boolean creates = name.equals("create") || (chat && name.equals("createStreaming"));
    if ((chat || embed) && creates) {
      if (m.isDefault()) {
        return Route.VIA_PROXY;
      }
      List<Class<?>> params = Arrays.asList(m.getParameterTypes());
      boolean async =
          owner == ChatCompletionServiceAsync.class || owner == EmbeddingServiceAsync.class;
      if (chat && params.equals(List.of(ChatCompletionCreateParams.class, RequestOptions.class))) {
        boolean stream = name.equals("createStreaming");
        return async
            ? (stream ? Route.CHAT_STREAM_ASYNC : Route.CHAT_ASYNC)
            : (stream ? Route.CHAT_STREAM : Route.CHAT);
      }
      if (embed && params.equals(List.of(EmbeddingCreateParams.class, RequestOptions.class))) {
        return async ? Route.EMBED_ASYNC : Route.EMBED;
      }
      return Route.PASS;
    }
    return WRAPPED.contains(m.getReturnType()) ? Route.CHILD : Route.PASS;
  }

  private @Nullable Object call(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause == null ? e : cause;
    }
  }

  private @Nullable Object child(Method method, @Nullable Object result) {
    if (result == null) {
      return null;
    }
    Object[] last = children.get(method);
    if (last != null && last[0] == result) {
      return last[1];
    }
    Object wrapped = wrapUnchecked(method.getReturnType(), result);
    children.put(method, new Object[] {result, wrapped});
    return wrapped;
  }

  @SuppressWarnings("unchecked")
  private <T> T wrapUnchecked(Class<T> iface, Object result) {
    return wrap(iface, (T) result, tracer);
  }

  private @Nullable Object objectMethod(Object proxy, Method method, Object[] args)
      throws Throwable {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "Braintrust-traced " + target;
      default:
        return call(method, args);
    }
  }
}
