package dev.braintrust.reactive.genaiit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.otel.BraintrustLogRecordProcessor;
import dev.braintrust.reactive.otel.BraintrustSpanProcessor;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.opentelemetry.instrumentation.openai.v1_1.OpenAITelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.SdkLoggerProviderBuilder;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenTelemetry instrumentation of the OpenAI Java client ({@code
 * opentelemetry-openai-java-1.1}), unchanged, calling the testkit's fake model: its chat span
 * carries the {@code gen_ai.*} attributes, and with content capture on it emits the messages as
 * {@code gen_ai.*.message} and {@code gen_ai.choice} log records, which {@link
 * BraintrustLogRecordProcessor} hands to the span's row.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class OpenAiOtelInstrumentationTest {
  static final String PROJECT = "openai-otel";

  OpenTelemetrySdk sdk;
  OpenAIClient raw;

  @AfterEach
  void close() {
    if (raw != null) {
      raw.close();
    }
    if (sdk != null) {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  OpenAIClient client(BraintrustTestServer server, boolean withLogs, boolean captureContent) {
    BraintrustExporter exporter =
        BraintrustExporter.builder(
                BraintrustClient.builder()
                    .apiKey(server.apiKey())
                    .baseUrl(server.baseUrl())
                    .build())
            .build();
    BraintrustSpanProcessor spans =
        BraintrustSpanProcessor.builder(exporter)
            .destination(Destination.projectLogsByName(PROJECT))
            .build();
    SdkLoggerProviderBuilder logs = SdkLoggerProvider.builder();
    if (withLogs) {
      logs.addLogRecordProcessor(BraintrustLogRecordProcessor.forSpans(spans));
    }
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(spans).build())
            .setLoggerProvider(logs.build())
            .build();
    raw =
        OpenAIOkHttpClient.builder()
            .baseUrl(server.baseUrl() + "/v1/proxy")
            .apiKey(server.apiKey())
            .maxRetries(0)
            .build();
    return OpenAITelemetry.builder(sdk).setCaptureMessageContent(captureContent).build().wrap(raw);
  }

  static ChatCompletionCreateParams question() {
    return ChatCompletionCreateParams.builder()
        .model("gpt-4o-mini")
        .addSystemMessage("Answer briefly.")
        .addUserMessage("What is the capital of France?")
        .temperature(0.2)
        .maxCompletionTokens(50)
        .build();
  }

  List<ObjectNode> rows(BraintrustTestServer server) {
    assertThat(sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
        .isTrue();
    String id = server.projectId(PROJECT);
    return id == null ? List.of() : server.projectLogs(id);
  }

  @Test
  void chatSpanBecomesAnLlmRowWithMessagesModelAndTokens(BraintrustTestServer server) {
    server.scriptModelReply("Paris.");
    ChatCompletion completion = client(server, true, true).chat().completions().create(question());
    assertThat(completion.choices().get(0).message().content()).hasValue("Paris.");

    List<ObjectNode> rows = rows(server);
    assertThat(rows).hasSize(1);
    ObjectNode row = rows.get(0);
    assertThat(row.at("/span_attributes/name").asText()).isEqualTo("chat gpt-4o-mini");
    assertThat(row.at("/span_attributes/type").asText()).isEqualTo("llm");

    JsonNode input = row.get("input");
    assertThat(input).hasSize(2);
    assertThat(input.at("/0/role").asText()).isEqualTo("system");
    assertThat(input.at("/0/content").asText()).isEqualTo("Answer briefly.");
    assertThat(input.at("/1/role").asText()).isEqualTo("user");
    assertThat(input.at("/1/content").asText()).isEqualTo("What is the capital of France?");

    JsonNode output = row.get("output");
    assertThat(output).hasSize(1);
    assertThat(output.at("/0/message/role").asText()).isEqualTo("assistant");
    assertThat(output.at("/0/message/content").asText()).isEqualTo("Paris.");
    assertThat(output.at("/0/finish_reason").asText()).isEqualTo("stop");

    JsonNode md = row.get("metadata");
    assertThat(md.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(md.get("provider").asText()).isEqualTo("openai");
    assertThat(md.get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(md.get("max_tokens").asInt()).isEqualTo(50);
    // The finish reason is in the output; metadata holds only the fields the guide allows.
    assertThat(md.fieldNames())
        .toIterable()
        .doesNotContain("response_id", "finish_reasons", "response_model")
        .noneMatch(k -> k.startsWith("gen_ai.request.") || k.startsWith("gen_ai.response."));
    assertThat(md.has("gen_ai.usage.input_tokens")).isFalse();

    // The fake model counts words: 2 + 6 in, 1 out.
    JsonNode metrics = row.get("metrics");
    assertThat(metrics.get("prompt_tokens").asInt()).isEqualTo(8);
    assertThat(metrics.get("completion_tokens").asInt()).isEqualTo(1);
    assertThat(metrics.get("tokens").asInt()).isEqualTo(9);
  }

  @Test
  void toolCallsInTheLoggedChoiceReachTheOutput(BraintrustTestServer server) {
    server.scriptModelToolCall("get_weather", "{\"city\":\"Paris\"}");
    client(server, true, true).chat().completions().create(question());

    ObjectNode row = rows(server).get(0);
    JsonNode call = row.at("/output/0/message/tool_calls/0");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(call.at("/function/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(row.at("/output/0/finish_reason").asText()).isEqualTo("tool_calls");
  }

  @Test
  void withoutTheLogProcessorTheRowStillHasModelAndTokens(BraintrustTestServer server) {
    client(server, false, true).chat().completions().create(question());

    ObjectNode row = rows(server).get(0);
    assertThat(row.at("/span_attributes/type").asText()).isEqualTo("llm");
    assertThat(row.has("input")).isFalse();
    assertThat(row.at("/metadata/model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(row.at("/metrics/tokens").asInt()).isPositive();
  }

  @Test
  void withoutContentCaptureTheMessagesKeepTheirRolesOnly(BraintrustTestServer server) {
    client(server, true, false).chat().completions().create(question());

    ObjectNode row = rows(server).get(0);
    assertThat(row.at("/input/1/role").asText()).isEqualTo("user");
    assertThat(row.at("/input/1/content").asText()).isEmpty();
    assertThat(row.at("/output/0/finish_reason").asText()).isEqualTo("stop");
  }
}
