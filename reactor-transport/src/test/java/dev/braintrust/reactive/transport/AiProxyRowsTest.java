package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.scheduler.Schedulers;

/**
 * The AI proxy client's rows in the cross-SDK guide's shape: allowlisted metadata with the provider
 * and the model the response reports, streams assembled into choices, and the first token taken at
 * the first chunk with content. Rows are read back from the testkit.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class AiProxyRowsTest {
  static final Duration T = Duration.ofSeconds(30);

  private static ObjectNode onlyRow(BraintrustTestServer server, String project) {
    List<ObjectNode> rows = server.projectLogs(server.projectId(project));
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  @Test
  void metadataIsTheAllowlistWithProviderAndTheModelTheResponseReports(BraintrustTestServer server)
      throws Exception {
    String answer =
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":2}}}";
    try (StubServer provider = new StubServer(r -> StubServer.Reply.json(200, answer));
        BraintrustExporter ex = BraintrustExporter.builder(ApiCallsTest.client(server)).build()) {
      BraintrustClient client =
          BraintrustClient.builder().apiKey("k").baseUrl(provider.baseUrl()).build();
      Tracer tracer = Tracer.create(ex, Destination.projectLogsByName("allowlist"));
      Map<String, Object> request =
          Map.of(
              "model",
              "gpt-4o-mini",
              "messages",
              List.of(Map.of("role", "user", "content", "hello")),
              "temperature",
              0.3,
              "tools",
              List.of(Map.of("type", "function", "function", Map.of("name", "lookup"))),
              "tool_choice",
              "auto",
              "user",
              "customer-4711",
              "seed",
              7,
              "metadata",
              Map.of("ticket", "secret"),
              "logit_bias",
              Map.of("50256", -100));

      assertThat(client.aiProxy(tracer).chatCompletion(request).block(T).content()).isEqualTo("hi");
      ex.flush().block(T);
      client.close();

      // The provider got the whole request; the row keeps only what the guide allows.
      assertThat(provider.requests.get(0).json().path("user").asText()).isEqualTo("customer-4711");
      ObjectNode row = onlyRow(server, "allowlist");
      JsonNode metadata = row.get("metadata");
      List<String> keys = new ArrayList<>();
      metadata.fieldNames().forEachRemaining(keys::add);
      assertThat(keys)
          .containsExactlyInAnyOrder("model", "provider", "temperature", "tools", "tool_choice");
      assertThat(metadata.get("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(metadata.get("provider").asText()).isEqualTo("openai");
      assertThat(metadata.at("/tools/0/function/name").asText()).isEqualTo("lookup");
      assertThat(row.at("/metrics/prompt_cached_tokens").asInt()).isEqualTo(2);
      assertThat(row.at("/output/0/message/content").asText()).isEqualTo("hi");
      assertThat(row.at("/context/span_origin/instrumentation/name").asText())
          .isEqualTo("reactor-transport-aiproxy");
    }
  }

  @Test
  void aStreamedToolCallIsAssembledIntoTheChoicesShape(BraintrustTestServer server) {
    BraintrustClient client = ApiCallsTest.client(server);
    server.scriptModelToolCall("get_weather", "{\"city\":\"Rome\",\"unit\":\"C\"}");
    try (BraintrustExporter ex = BraintrustExporter.builder(ApiCallsTest.client(server)).build()) {
      Tracer tracer = Tracer.create(ex, Destination.projectLogsByName("stream-tools"));
      List<ChatCompletion> chunks =
          client
              .aiProxy(tracer)
              .chatCompletionStream(
                  Map.of(
                      "model",
                      "claude-sonnet-4-5",
                      "messages",
                      List.of(Map.of("role", "user", "content", "weather in Rome?")),
                      "tools",
                      List.of(
                          Map.of("type", "function", "function", Map.of("name", "get_weather")))))
              .collectList()
              .block(T);
      assertThat(chunks).isNotEmpty();
      ex.flush().block(T);
    }
    ObjectNode row = onlyRow(server, "stream-tools");
    JsonNode choice = row.at("/output/0");
    assertThat(choice.get("index").asInt()).isZero();
    assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(choice.at("/message/role").asText()).isEqualTo("assistant");
    assertThat(choice.at("/message/content").isNull()).isTrue();
    JsonNode call = choice.at("/message/tool_calls/0");
    assertThat(call.get("id").asText()).startsWith("call_");
    assertThat(call.get("type").asText()).isEqualTo("function");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(call.at("/function/arguments").asText())
        .isEqualTo("{\"city\":\"Rome\",\"unit\":\"C\"}");
    assertThat(row.at("/metadata/provider").asText()).isEqualTo("anthropic");
    assertThat(row.at("/metrics/time_to_first_token").isNumber()).isTrue();
    client.close();
  }

  /**
   * A provider that sends a role-only chunk, then holds the content until the test releases it: the
   * first token is the content's, so its time includes the hold, which the role-only chunk's time
   * cannot.
   */
  @Test
  void firstTokenTimeIsTakenAtTheFirstChunkWithContentNotTheRoleOnlyOne(BraintrustTestServer server)
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HttpServer provider =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    provider.createContext(
        "/",
        ex -> {
          try (ex) {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            String head =
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",";
            send(out, head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}");
            send(out, head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"}}]}");
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            send(out, head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}");
            send(
                out, head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
            send(out, "[DONE]");
          }
        });
    provider.start();
    try (BraintrustExporter ex = BraintrustExporter.builder(ApiCallsTest.client(server)).build()) {
      BraintrustClient client =
          BraintrustClient.builder()
              .apiKey("k")
              .baseUrl("http://127.0.0.1:" + provider.getAddress().getPort())
              .build();
      Tracer tracer = Tracer.create(ex, Destination.projectLogsByName("ttft"));
      long[] roleSeenAfter = {-1};
      long hold = Duration.ofMillis(200).toNanos();
      long t0 = System.nanoTime();
      List<ChatCompletion> chunks =
          client
              .aiProxy(tracer)
              .chatCompletionStream(
                  Map.of(
                      "model",
                      "gpt-4o",
                      "messages",
                      List.of(Map.of("role", "user", "content", "hi"))))
              // The hold below waits on a thread of the test's own, not on the client's.
              .publishOn(Schedulers.boundedElastic())
              .doOnNext(
                  c -> {
                    if (roleSeenAfter[0] < 0) {
                      // An upper bound of the role-only chunk's time from the span's start; hold
                      // the content back by that much again and more, then let it go.
                      long seen = System.nanoTime();
                      roleSeenAfter[0] = seen - t0;
                      long until = seen + roleSeenAfter[0] + hold;
                      while (System.nanoTime() - until < 0) {
                        LockSupport.parkNanos(until - System.nanoTime());
                      }
                      release.countDown();
                    }
                  })
              .collectList()
              .block(T);
      assertThat(chunks).hasSize(4);
      ex.flush().block(T);
      client.close();

      ObjectNode row = onlyRow(server, "ttft");
      double ttft = row.at("/metrics/time_to_first_token").asDouble();
      assertThat(ttft).isGreaterThan((roleSeenAfter[0] + hold) / 1e9);
      assertThat(row.at("/output/0/message/content").asText()).isEqualTo("Hello");
      assertThat(row.at("/output/0/finish_reason").asText()).isEqualTo("stop");
    } finally {
      release.countDown();
      provider.stop(0);
    }
  }

  private static void send(OutputStream out, String data) throws java.io.IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
