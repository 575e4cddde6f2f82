package dev.braintrust.reactive.instrumentation.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.testkit.RecordedRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;

/**
 * Cancelling the future of a call still waiting for its answer, whichever thread the SDK starts the
 * call on and whenever the caller cancels. The calls go to a server that never answers, so nothing
 * can race the cancel.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class BedrockCancellationTest {
  private Fixture fx;
  private SilentServer silent;
  private BedrockRuntimeAsyncClient sdk;
  private ExecutorService dispatcher;

  @BeforeEach
  void setUp(BraintrustTestServer server) throws Exception {
    fx = new Fixture(server);
    silent = new SilentServer();
    sdk = BraintrustBedrock.wrap(Fixture.asyncBuilder(silent.uri()), fx.tracer).build();
    dispatcher = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void tearDown() throws Exception {
    dispatcher.shutdownNow();
    sdk.close();
    silent.close();
    fx.close();
  }

  @Test
  void cancellingAConverseTheSdkStartsOnAnotherThreadEndsItsSpanAsCancelled() throws Exception {
    BedrockRuntimeAsyncClient client =
        BraintrustBedrock.watchCancellation(new DispatchingClient(sdk, dispatcher));

    CompletableFuture<ConverseResponse> call = client.converse(Fixture.request("slow"));
    assertThat(silent.awaitRequest()).startsWith("POST /model/");
    call.cancel(true);

    ObjectNode row = fx.awaitRow("bedrock.converse");
    assertThat(row.path("metadata").path("cancelled").asBoolean()).isTrue();
    assertThat(row.has("error")).isFalse();
    assertThat(row.path("input").toString()).contains("slow");
  }

  @Test
  void cancellingAConverseStreamTheSdkStartsOnAnotherThreadEndsItsSpanAsCancelled()
      throws Exception {
    BedrockRuntimeAsyncClient client =
        BraintrustBedrock.watchCancellation(new DispatchingClient(sdk, dispatcher));

    CompletableFuture<Void> call =
        client.converseStream(Fixture.streamRequest("slow"), new Fixture.Seen().handler);
    assertThat(silent.awaitRequest()).startsWith("POST /model/");
    call.cancel(true);

    ObjectNode row = fx.awaitRow("bedrock.converse-stream");
    assertThat(row.path("metadata").path("cancelled").asBoolean()).isTrue();
    assertThat(row.has("error")).isFalse();
    assertThat(row.has("output")).isFalse();
  }

  @Test
  void aCallCancelledBeforeTheSdkHasStartedItEndsItsSpanAsCancelledWhenItStarts() throws Exception {
    // The dispatcher holds the call until the test runs it: the caller cancels first, and the
    // interceptor opens the span only afterwards.
    ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    BedrockRuntimeAsyncClient client =
        BraintrustBedrock.watchCancellation(new DispatchingClient(sdk, held::add));

    CompletableFuture<ConverseResponse> call = client.converse(Fixture.request("late"));
    call.cancel(true);
    assertThat(held).hasSize(1);
    held.poll().run();

    ObjectNode row = fx.awaitRow("bedrock.converse");
    assertThat(row.path("metadata").path("cancelled").asBoolean()).isTrue();
    assertThat(row.has("error")).isFalse();
  }

  @Test
  void cancellingAConverseBuiltFromABuilderConsumerEndsItsSpanAsCancelled() throws Exception {
    BedrockRuntimeAsyncClient client = BraintrustBedrock.watchCancellation(sdk);

    CompletableFuture<ConverseResponse> call =
        client.converse(
            b ->
                b.modelId(Fixture.MODEL)
                    .messages(Fixture.user("from a consumer"))
                    .inferenceConfig(c -> c.maxTokens(64)));
    assertThat(silent.awaitRequest()).startsWith("POST /model/");
    call.cancel(true);

    ObjectNode row = fx.awaitRow("bedrock.converse");
    assertThat(row.path("metadata").path("cancelled").asBoolean()).isTrue();
    assertThat(row.path("input").toString()).contains("from a consumer");
  }

  @Test
  void theWatchingClientSendsTheCallersOwnOverrideConfiguration() throws Exception {
    ConverseResponse reply =
        fx.tracedAsync
            .converse(
                Fixture.request("with a header").toBuilder()
                    .overrideConfiguration(o -> o.putHeader("x-caller-header", "kept"))
                    .build())
            .get(30, TimeUnit.SECONDS);

    assertThat(reply.output().message().content().get(0).text()).isEqualTo("echo: with a header");
    List<RecordedRequest> sent = fx.server.requests("/model/");
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).header("x-caller-header")).isEqualTo("kept");
    ObjectNode row = fx.row("bedrock.converse");
    assertThat(row.path("metadata").has("cancelled")).isFalse();
  }
}
