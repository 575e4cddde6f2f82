package dev.braintrust.reactive.instrumentation.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.Fault;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/** Failures, retries, cancellation and wiring, over a real socket. */
@ExtendWith(BraintrustTestServerExtension.class)
class BedrockErrorTest {
  private Fixture fx;

  @BeforeEach
  void setUp(BraintrustTestServer server) {
    fx = new Fixture(server);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  /** Refused by the server's validation (temperature above 1) with a 400 ValidationException. */
  private static ConverseRequest invalid() {
    return Fixture.request("x").toBuilder().inferenceConfig(c -> c.temperature(2f)).build();
  }

  @Test
  void aRefusedSyncCallThrowsTheSdksExceptionUnchangedAndTheSpanRecordsIt() {
    Throwable plain = catchThrowable(() -> fx.plain.converse(invalid()));
    Throwable traced = catchThrowable(() -> fx.traced.converse(invalid()));

    assertThat(traced).isInstanceOf(ValidationException.class);
    assertThat(traced.getClass()).isEqualTo(plain.getClass());
    assertThat(((ValidationException) traced).statusCode()).isEqualTo(400);
    assertThat(stripRequestId(traced.getMessage())).isEqualTo(stripRequestId(plain.getMessage()));
    ObjectNode row = fx.row("bedrock.converse");
    assertThat(row.path("error").asText()).contains("inferenceConfig.temperature");
    assertThat(row.has("output")).isFalse();
    assertThat(row.path("metadata").path("temperature").asDouble()).isEqualTo(2.0);
  }

  @Test
  void aRefusedAsyncCallFailsTheFutureWithTheSdksExceptionAndTheSpanRecordsIt() throws Exception {
    Throwable traced =
        catchThrowable(() -> fx.tracedAsync.converse(invalid()).get(30, TimeUnit.SECONDS));

    assertThat(traced).isInstanceOf(ExecutionException.class);
    assertThat(traced.getCause()).isInstanceOf(ValidationException.class);
    ObjectNode row = fx.awaitRow("bedrock.converse");
    assertThat(row.path("error").asText()).contains("inferenceConfig.temperature");
  }

  @Test
  void aServerErrorTheSdkRetriesIsOneSpanWithTheReplyOfTheAttemptThatSucceeded() {
    fx.server.faults().enqueue(Fault.status(503).onPathContaining("/model/"), 2);

    ConverseResponse reply = fx.traced.converse(Fixture.request("after retries"));

    assertThat(reply.output().message().content().get(0).text()).isEqualTo("echo: after retries");
    assertThat(fx.server.requests("/model/")).hasSize(3);
    ObjectNode row = fx.row("bedrock.converse");
    assertThat(row.has("error")).isFalse();
    assertThat(row.path("output").get(0).path("content").get(0).path("text").asText())
        .isEqualTo("echo: after retries");
  }

  @Test
  void aDroppedConnectionThatOutlastsTheRetriesFailsTheCallAndTheSpan() {
    // More drops than any SDK release's default attempts (3 in 2.59, 4 in older ones).
    fx.server.faults().enqueue(Fault.disconnect().onPathContaining("/model/"), 10);

    Throwable traced = catchThrowable(() -> fx.traced.converse(Fixture.request("x")));
    fx.server.faults().clear();

    assertThat(traced).isInstanceOf(SdkClientException.class);
    ObjectNode row = fx.row("bedrock.converse");
    assertThat(row.path("error").asText()).isNotEmpty();
  }

  @Test
  void cancellingAnAsyncCallInFlightEndsItsSpanAsCancelled() throws Exception {
    // A server that never answers: the cancel cannot race an answer, however loaded the machine.
    try (SilentServer silent = new SilentServer();
        BedrockRuntimeAsyncClient client =
            BraintrustBedrock.watchCancellation(
                BraintrustBedrock.wrap(Fixture.asyncBuilder(silent.uri()), fx.tracer).build())) {
      CompletableFuture<ConverseResponse> call = client.converse(Fixture.request("slow"));
      assertThat(silent.awaitRequest()).startsWith("POST /model/");

      call.cancel(true);

      ObjectNode row = fx.awaitRow("bedrock.converse");
      assertThat(row.path("metadata").path("cancelled").asBoolean()).isTrue();
      assertThat(row.has("error")).isFalse();
      assertThat(row.has("output")).isFalse();
    }
  }

  @Test
  void otherOperationsPassThroughUntraced() {
    // The testkit has no InvokeModel route: the SDK's exception comes back, and no span is made.
    Throwable t =
        catchThrowable(
            () ->
                fx.traced.invokeModel(
                    r ->
                        r.modelId(Fixture.MODEL)
                            .body(software.amazon.awssdk.core.SdkBytes.fromUtf8String("{}"))));

    assertThat(t).isNotNull();
    assertThat(fx.server.requests("/model/")).hasSize(1);
    assertThat(fx.rows()).isEmpty();
  }

  @Test
  void watchingAClientBuiltWithoutTheInterceptorIsRefusedWithAClearMessage() {
    Throwable t = catchThrowable(() -> BraintrustBedrock.watchCancellation(fx.plainAsync));

    assertThat(t)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no Braintrust interceptor");
  }

  @Test
  void wrappingABuilderTwiceTracesEachCallOnceAndKeepsItsOtherInterceptors() {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    var builder =
        BedrockRuntimeClient.builder()
            .httpClientBuilder(
                software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .credentialsProvider(Fixture.credentials())
            .endpointOverride(java.net.URI.create(fx.server.baseUrl()))
            .overrideConfiguration(
                c ->
                    c.addExecutionInterceptor(
                        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                          @Override
                          public void beforeExecution(
                              software.amazon.awssdk.core.interceptor.Context.BeforeExecution ctx,
                              software.amazon.awssdk.core.interceptor.ExecutionAttributes a) {
                            seen.add(ctx.request().getClass().getSimpleName());
                          }
                        }));
    BraintrustBedrock.wrap(builder, fx.tracer);
    BraintrustBedrock.wrap(builder, fx.tracer);
    try (BedrockRuntimeClient client = builder.build()) {
      client.converse(Fixture.request("once"));
    }

    assertThat(seen).containsExactly("ConverseRequest");
    assertThat(fx.rows("bedrock.converse")).hasSize(1);
  }

  /** The SDK's messages end with a request id, which differs per call. */
  private static String stripRequestId(String message) {
    return message.replaceAll("Request ID: [^,)]*", "Request ID: -");
  }
}
