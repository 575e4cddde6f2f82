package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.google.genai.ApiClient;
import com.google.genai.ApiResponse;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.HttpOptions;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.PromptMetadata;
import dev.braintrust.reactive.core.Scope;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The SDK's transport with tracing around the model calls: every request goes to the client's own
 * {@link ApiClient} unchanged (same method, path, body bytes and options) and its response comes
 * back unchanged but watched. {@code generateContent}, {@code streamGenerateContent} and {@code
 * embedContent} / {@code batchEmbedContents} each open an {@code llm} span under the calling
 * thread's current span; every other request passes straight through.
 *
 * <p>The SDK's services only call this class's public methods, which all go to the delegate; the
 * fields the superclass constructor sets up (an API key, an HTTP client sharing the delegate's
 * connections) are never used to send anything.
 */
final class TracingApiClient extends ApiClient {
  private static final LibraryLog LOG = LibraryLog.get(TracingApiClient.class);
  // The superclass insists on a key; Vertex AI clients may have none, and this one sends nothing.
  private static final String UNUSED_KEY = "unused-by-braintrust-tracing";

  final ApiClient delegate;
  private final Tracer tracer;
  private final String provider;
  private volatile @Nullable PathModel lastModel;

  TracingApiClient(ApiClient delegate, Tracer tracer) {
    super(
        Optional.of(delegate.apiKey() != null ? delegate.apiKey() : UNUSED_KEY),
        Optional.empty(),
        Optional.of(ClientOptions.builder().customHttpClient(delegate.httpClient()).build()));
    this.delegate = delegate;
    this.tracer = tracer;
    this.provider = delegate.vertexAI() ? "vertex" : "google";
  }

  @Override
  public ApiResponse request(
      String method, String path, String body, Optional<HttpOptions> options) {
    Op op = Op.of(path);
    if (op == null) {
      return delegate.request(method, path, body, options);
    }
    CallRecorder recorder = start(op, path, body);
    ApiResponse response = opened(recorder, () -> delegate.request(method, path, body, options));
    return observe(response, recorder, op.streamed);
  }

  @Override
  public ApiResponse request(
      String method, String path, byte[] body, Optional<HttpOptions> options) {
    Op op = Op.of(path);
    if (op == null) {
      return delegate.request(method, path, body, options);
    }
    CallRecorder recorder = start(op, path, body);
    ApiResponse response = opened(recorder, () -> delegate.request(method, path, body, options));
    return observe(response, recorder, op.streamed);
  }

  @Override
  public CompletableFuture<ApiResponse> asyncRequest(
      String method, String path, String body, Optional<HttpOptions> options) {
    Op op = Op.of(path);
    if (op == null) {
      return delegate.asyncRequest(method, path, body, options);
    }
    CallRecorder recorder = start(op, path, body);
    return traced(
        recorder, opened(recorder, () -> delegate.asyncRequest(method, path, body, options)));
  }

  @Override
  public CompletableFuture<ApiResponse> asyncRequest(
      String method, String path, byte[] body, Optional<HttpOptions> options) {
    Op op = Op.of(path);
    if (op == null) {
      return delegate.asyncRequest(method, path, body, options);
    }
    CallRecorder recorder = start(op, path, body);
    return traced(
        recorder, opened(recorder, () -> delegate.asyncRequest(method, path, body, options)));
  }

  /**
   * The returned future completes as the SDK's does, with the same response (watched) or the same
   * exception as stored; cancelling it cancels the SDK's future and ends the span as cancelled.
   */
  private static CompletableFuture<ApiResponse> traced(
      CallRecorder recorder, CompletableFuture<ApiResponse> call) {
    CompletableFuture<ApiResponse> result = new CompletableFuture<>();
    call.whenComplete(
        (response, error) -> {
          if (error == null) {
            result.complete(observe(response, recorder, true));
            return;
          }
          if (unwrap(error) instanceof CancellationException) {
            recorder.closed();
          } else {
            recorder.fail(unwrap(error));
          }
          result.completeExceptionally(error);
        });
    result.whenComplete(
        (response, error) -> {
          if (result.isCancelled()) {
            call.cancel(false);
            recorder.closed();
          }
        });
    return result;
  }

  /** The response, watched; see {@link ObservedResponse} for {@code endIfDropped}. */
  private static ApiResponse observe(
      ApiResponse response, CallRecorder recorder, boolean endIfDropped) {
    try {
      return new ObservedResponse(response, recorder, endIfDropped);
    } catch (RuntimeException e) {
      LOG.warn("could not watch a Gemini response; its span has no output", e);
      recorder.complete();
      return response;
    }
  }

  /**
   * Runs the SDK's call with the span current; if it throws, the span records the error and ends,
   * and the same exception goes on to the caller.
   */
  private static <T> T opened(CallRecorder recorder, Supplier<T> call) {
    try (Scope ignored = recorder.span().makeCurrent()) {
      return call.get();
    } catch (RuntimeException | Error e) {
      recorder.fail(e);
      throw e;
    }
  }

  /** Opens the span of a call whose body is a {@code String} or UTF-8 {@code byte[]}. */
  private CallRecorder start(Op op, String path, Object body) {
    Span span = tracer.startSpan(op.spanName, SpanType.LLM);
    long startNanos = System.nanoTime();
    String model = model(path);
    Log.Builder log;
    try {
      log = GeminiRows.request(op, model, body, provider);
    } catch (Exception e) {
      LOG.warn("could not record a Gemini request on span {}", span.name(), e);
      log = Log.builder();
    }
    // After the request's fields, so none of them can overwrite the prompt's provenance.
    PromptMetadata prompt = PromptMetadata.current();
    if (prompt != null) {
      try {
        log.metadata("prompt", prompt.toMap());
      } catch (RuntimeException e) {
        LOG.warn("could not record the prompt on span {}", span.name(), e);
      }
    }
    return new CallRecorder(span, op, startNanos, model, log);
  }

  /** A path and the model it names. */
  private record PathModel(String path, String model) {}

  /**
   * The model {@code path} names. An application calls one model over and over with a path built
   * anew each time: remembering the last one spares the caller a substring per call.
   */
  private String model(String path) {
    PathModel last = lastModel;
    if (last != null && last.path().equals(path)) {
      return last.model();
    }
    String model = Op.model(path);
    lastModel = new PathModel(path, model);
    return model;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  // Everything else the SDK's services ask of their client is the delegate's.

  @Override
  public boolean vertexAI() {
    return delegate.vertexAI();
  }

  @Override
  public @Nullable String project() {
    return delegate.project();
  }

  @Override
  public @Nullable String location() {
    return delegate.location();
  }

  @Override
  public @Nullable String apiKey() {
    return delegate.apiKey();
  }

  @Override
  public @Nullable String customBaseUrl() {
    return delegate.customBaseUrl();
  }

  @Override
  public OkHttpClient httpClient() {
    return delegate.httpClient();
  }

  @Override
  public HttpOptions httpOptions() {
    return delegate.httpOptions();
  }

  /** Closes nothing: the client's own transport is the one to close, and the client does so. */
  @Override
  public void close() {}
}
