package dev.braintrust.reactive.benchmarks;

import com.google.genai.ApiClient;
import com.google.genai.ApiResponse;
import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.instrumentation.gemini.BraintrustGemini;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.Optional;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.ResponseBody;

/**
 * The Gemini wrapper alone, without the SDK's own work or a network: the wrapper traces at the
 * SDK's transport ({@code ApiClient}), so this calls that transport directly with the body the SDK
 * sends for the benchmark workload and reads the reply as the SDK does (whole body as a string,
 * then close), once on a stub transport answering {@link GeminiWrapperBenchmark#RESPONSE} at once
 * and once on the tracing transport {@link BraintrustGemini#wrap} puts in front of the same stub.
 * With a call of a few µs instead of a few hundred, the caller-CPU difference stands out of a
 * loaded machine's noise.
 */
final class GeminiTransportAlone implements WrapperInterleaved.Alone {
  private static final String PATH = "models/gemini-2.5-flash:generateContent";
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final BraintrustExporter exporter;
  private final ApiClient plain;
  private final ApiClient traced;
  private final String body;

  GeminiTransportAlone() {
    exporter = Loopback.ackingExporter(100_000);
    Stub stub = new Stub();
    Client client = Client.builder().apiKey("bench").build();
    set(client, stub);
    // The body the SDK sends for the workload, as the stub saw it.
    client.models.generateContent("gemini-2.5-flash", Workload.USER, GeminiWrapperBenchmark.CONFIG);
    body = stub.lastBody;
    plain = stub;
    Client wrapped = Client.builder().apiKey("bench").build();
    set(wrapped, stub);
    BraintrustGemini.wrap(wrapped, Tracer.create(exporter, Destination.projectLogs("bench")));
    traced = get(wrapped);
  }

  @Override
  public Object unwrapped() {
    return call(plain);
  }

  @Override
  public Object wrapped() {
    return call(traced);
  }

  @Override
  public void flush() {
    WrapperInterleaved.flush(exporter);
  }

  @Override
  public void close() {
    exporter.close();
  }

  private String call(ApiClient api) {
    try (ApiResponse r = api.request("post", PATH, body, Optional.empty())) {
      return r.getBody().string();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void set(Client client, ApiClient api) {
    try {
      field(client).set(client.models, api);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach the Models transport: " + e, e);
    }
  }

  private static ApiClient get(Client client) {
    try {
      return (ApiClient) field(client).get(client.models);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach the Models transport: " + e, e);
    }
  }

  private static Field field(Client client) throws NoSuchFieldException {
    Field f = client.models.getClass().getDeclaredField("apiClient");
    f.setAccessible(true);
    return f;
  }

  /** Answers every request at once with the canned response; remembers the last body. */
  private static final class Stub extends ApiClient {
    volatile String lastBody = "";

    Stub() {
      super(
          Optional.of("bench"),
          Optional.of(HttpOptions.builder().baseUrl("http://127.0.0.1:9").build()),
          Optional.empty());
    }

    @Override
    public ApiResponse request(
        String method, String path, String body, Optional<HttpOptions> options) {
      lastBody = body;
      return new Canned();
    }

    @Override
    public ApiResponse request(
        String method, String path, byte[] body, Optional<HttpOptions> options) {
      return new Canned();
    }

    @Override
    public java.util.concurrent.CompletableFuture<ApiResponse> asyncRequest(
        String method, String path, String body, Optional<HttpOptions> options) {
      return java.util.concurrent.CompletableFuture.completedFuture(new Canned());
    }

    @Override
    public java.util.concurrent.CompletableFuture<ApiResponse> asyncRequest(
        String method, String path, byte[] body, Optional<HttpOptions> options) {
      return java.util.concurrent.CompletableFuture.completedFuture(new Canned());
    }
  }

  /** The canned response, a fresh body each time as a connection would give. */
  private static final class Canned extends ApiResponse {
    @Override
    public ResponseBody getBody() {
      return ResponseBody.create(GeminiWrapperBenchmark.RESPONSE, JSON);
    }

    @Override
    public Headers getHeaders() {
      return Headers.of();
    }

    @Override
    public void close() {}
  }
}
