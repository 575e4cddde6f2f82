package dev.braintrust.reactive.instrumentation.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;

/**
 * A real wire for each test: the exporter sends spans to the testkit server, and real Bedrock
 * Runtime clients (sync over URLConnection, async over Netty) sign and send their calls to the same
 * server. The {@code plain} clients are untraced, to compare what callers see with and without the
 * interceptor.
 */
final class Fixture implements AutoCloseable {
  static final String PROJECT = "bedrock-it";
  static final String MODEL = "us.amazon.nova-lite-v1:0";
  static final Duration T = Duration.ofSeconds(30);

  final BraintrustTestServer server;
  final BraintrustExporter exporter;
  final Tracer tracer;
  final BedrockRuntimeClient plain;
  final BedrockRuntimeClient traced;
  final BedrockRuntimeAsyncClient plainAsync;
  final BedrockRuntimeAsyncClient tracedAsync;

  Fixture(BraintrustTestServer server) {
    this.server = server;
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    this.exporter = BraintrustExporter.builder(client).build();
    this.tracer = Tracer.create(exporter, Destination.projectLogsByName(PROJECT));
    this.plain = sync(server, null);
    this.traced = sync(server, BraintrustBedrock.interceptor(tracer));
    this.plainAsync = async(server, null);
    this.tracedAsync =
        BraintrustBedrock.watchCancellation(
            BraintrustBedrock.wrap(asyncBuilder(server), tracer).build());
  }

  static BedrockRuntimeClient sync(BraintrustTestServer server, ExecutionInterceptor interceptor) {
    var b =
        BedrockRuntimeClient.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials())
            .endpointOverride(URI.create(server.baseUrl()));
    if (interceptor != null) {
      b.overrideConfiguration(c -> c.addExecutionInterceptor(interceptor));
    }
    return b.build();
  }

  static BedrockRuntimeAsyncClient async(
      BraintrustTestServer server, ExecutionInterceptor interceptor) {
    var b = asyncBuilder(server);
    if (interceptor != null) {
      b.overrideConfiguration(c -> c.addExecutionInterceptor(interceptor));
    }
    return b.build();
  }

  static software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClientBuilder
      asyncBuilder(BraintrustTestServer server) {
    return asyncBuilder(URI.create(server.baseUrl()));
  }

  /** An async client builder sending to {@code endpoint} over HTTP/1.1, with fake credentials. */
  static software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClientBuilder
      asyncBuilder(URI endpoint) {
    return BedrockRuntimeAsyncClient.builder()
        // Bedrock Runtime defaults to HTTP/2, which needs TLS (ALPN); the testkit speaks plain
        // HTTP/1.1.
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .endpointOverride(endpoint);
  }

  static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
  }

  /** A small request: a system prompt and one user message. */
  static ConverseRequest request(String userText) {
    return ConverseRequest.builder()
        .modelId(MODEL)
        .system(SystemContentBlock.fromText("be brief"))
        .messages(user(userText))
        .inferenceConfig(c -> c.maxTokens(64).temperature(0.5f))
        .build();
  }

  /** The same as a streamed request. */
  static ConverseStreamRequest streamRequest(String userText) {
    return ConverseStreamRequest.builder()
        .modelId(MODEL)
        .system(SystemContentBlock.fromText("be brief"))
        .messages(user(userText))
        .inferenceConfig(c -> c.maxTokens(64).temperature(0.5f))
        .build();
  }

  static Message user(String text) {
    return Message.builder()
        .role(ConversationRole.USER)
        .content(ContentBlock.fromText(text))
        .build();
  }

  /** What a stream handler saw: the events in order, and how the stream ended. */
  static final class Seen {
    final List<ConverseStreamOutput> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final ConverseStreamResponseHandler handler =
        ConverseStreamResponseHandler.builder()
            .subscriber(events::add)
            .onComplete(() -> done.complete(null))
            .onError(done::completeExceptionally)
            .build();
  }

  /** Streams {@code request} through {@code client}, waiting for the end. */
  static Seen stream(BedrockRuntimeAsyncClient client, ConverseStreamRequest request)
      throws Exception {
    Seen seen = new Seen();
    client.converseStream(request, seen.handler).get(T.toSeconds(), TimeUnit.SECONDS);
    return seen;
  }

  /** Every row the server stored, after a flush. */
  List<ObjectNode> rows() {
    exporter.flush().block(T);
    String projectId = server.projectId(PROJECT);
    return projectId == null ? List.of() : server.projectLogs(projectId);
  }

  /** The rows with this span name. */
  List<ObjectNode> rows(String name) {
    List<ObjectNode> found = new ArrayList<>();
    for (ObjectNode r : rows()) {
      if (r.path("span_attributes").path("name").asText().equals(name)) {
        found.add(r);
      }
    }
    return found;
  }

  /** The only row with this span name. */
  ObjectNode row(String name) {
    List<ObjectNode> found = rows(name);
    assertThat(found).as("rows named %s", name).hasSize(1);
    return found.get(0);
  }

  /**
   * The only row with this span name, waiting up to 30 s for it: the span of a cancelled call ends
   * on the SDK's or the canceller's thread, after the caller's future.
   */
  ObjectNode awaitRow(String name) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<ObjectNode> found = rows(name);
    while (found.isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      found = rows(name);
    }
    assertThat(found).as("rows named %s", name).hasSize(1);
    return found.get(0);
  }

  @Override
  public void close() {
    exporter.close();
    plain.close();
    traced.close();
    plainAsync.close();
    tracedAsync.close();
  }
}
