package dev.braintrust.reactive.agentit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small application that knows nothing of Braintrust, for running under the OpenTelemetry Java
 * agent: a JDK {@code HttpServer} on 127.0.0.1 whose {@code /chat} handler records one GenAI span
 * through the plain OTel API and, inside it, calls this server's {@code /backend} (standing in for
 * a model provider) with the JDK {@code HttpClient}. The agent supplies the server and client
 * spans. It prints {@code PORT=<port>} once it listens and runs until killed.
 *
 * <p>Tree per {@code /chat} request: server span, then the {@code chat gpt-4o-mini} span, then the
 * client span, then the {@code /backend} server span. {@code /backend} answers with the {@code
 * baggage} header it received, so a caller can see what was propagated.
 */
public final class DemoApp {
  private static final String MODEL = "gpt-4o-mini";

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Tracer tracer = GlobalOpenTelemetry.getTracer("demo-app");
  private final HttpServer server;

  private DemoApp(int port, ExecutorService workers) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
    server.setExecutor(workers);
    server.createContext("/chat", this::chat);
    server.createContext("/backend", DemoApp::backend);
  }

  /** Starts on {@code args[0]} (default 0, any free port) and prints the port. */
  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    // Without it small responses wait out delayed ACKs (~40 ms each), hiding everything else.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    DemoApp app = new DemoApp(port, Executors.newFixedThreadPool(16));
    app.server.start();
    System.out.println("PORT=" + app.server.getAddress().getPort());
    System.out.flush();
  }

  private void chat(HttpExchange exchange) throws IOException {
    String question =
        exchange.getRequestURI().getQuery() == null ? "hello" : exchange.getRequestURI().getQuery();
    Span llm =
        tracer
            .spanBuilder("chat " + MODEL)
            .setAttribute("gen_ai.system", "openai")
            .setAttribute("gen_ai.operation.name", "chat")
            .setAttribute("gen_ai.request.model", MODEL)
            .setAttribute("gen_ai.prompt.0.role", "user")
            .setAttribute("gen_ai.prompt.0.content", question)
            .startSpan();
    String answer;
    try (Scope s = llm.makeCurrent()) {
      int port = server.getAddress().getPort();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/backend"))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      answer = r.body();
      llm.setAttribute("gen_ai.completion.0.role", "assistant");
      llm.setAttribute("gen_ai.completion.0.content", answer);
      llm.setAttribute("gen_ai.usage.input_tokens", 12L);
      llm.setAttribute("gen_ai.usage.output_tokens", 4L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      llm.recordException(e);
      answer = "interrupted";
    } finally {
      llm.end();
    }
    respond(exchange, 200, answer);
  }

  private static void backend(HttpExchange exchange) throws IOException {
    String baggage = exchange.getRequestHeaders().getFirst("baggage");
    respond(exchange, 200, "baggage=" + (baggage == null ? "" : baggage));
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
