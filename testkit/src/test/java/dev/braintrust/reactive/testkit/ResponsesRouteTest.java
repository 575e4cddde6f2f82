package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The AI proxy's {@code /v1/proxy/responses} speaks the OpenAI Responses API: whole responses,
 * their Server-Sent Events, reasoning items, function calls and {@code previous_response_id}.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class ResponsesRouteTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The {@code data:} payloads of an event stream, with their {@code event:} names checked. */
  private static List<JsonNode> events(String sse) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String block : sse.split("\n\n")) {
      String name = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          JsonNode data = MAPPER.readTree(line.substring(5).strip());
          assertThat(data.get("type").asText()).isEqualTo(name);
          out.add(data);
        }
      }
    }
    return out;
  }

  @Test
  void aWholeResponseEchoesTheInputAfterAReasoningItemWhenAskedForOne(BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);
    RawHttp.Response r =
        http.post(
            "/v1/proxy/responses",
            "{\"model\":\"o4-mini\",\"reasoning\":{\"summary\":\"auto\"},\"input\":\"hi there\"}");

    assertThat(r.status()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.get("object").asText()).isEqualTo("response");
    assertThat(body.at("/output/0/type").asText()).isEqualTo("reasoning");
    assertThat(body.at("/output/0/summary/0/text").asText()).isEqualTo("Thinking about: hi there");
    assertThat(body.at("/output/1/content/0/text").asText()).isEqualTo("echo: hi there");
    assertThat(body.at("/usage/output_tokens_details/reasoning_tokens").asInt()).isPositive();
    assertThat(body.at("/usage/total_tokens").asInt())
        .isEqualTo(
            body.at("/usage/input_tokens").asInt() + body.at("/usage/output_tokens").asInt());
  }

  @Test
  void aStreamNumbersItsEventsAndEndsWithTheWholeResponse(BraintrustTestServer server)
      throws Exception {
    server.scriptModelToolCall("lookup", "{\"q\":\"x\"}");
    RawHttp http = new RawHttp(server);
    RawHttp.Response r =
        http.post("/v1/proxy/responses", "{\"model\":\"m\",\"stream\":true,\"input\":\"find x\"}");

    assertThat(r.status()).isEqualTo(200);
    List<JsonNode> events = events(r.text());
    assertThat(events.get(0).get("type").asText()).isEqualTo("response.created");
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).get("sequence_number").asInt()).isEqualTo(i);
    }
    StringBuilder args = new StringBuilder();
    events.stream()
        .filter(e -> e.get("type").asText().equals("response.function_call_arguments.delta"))
        .forEach(e -> args.append(e.get("delta").asText()));
    assertThat(args.toString()).isEqualTo("{\"q\":\"x\"}");
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.get("type").asText()).isEqualTo("response.completed");
    assertThat(last.at("/response/output/0/type").asText()).isEqualTo("function_call");
    assertThat(last.at("/response/output/0/name").asText()).isEqualTo("lookup");
  }

  @Test
  void aThreadContinuesOnlyFromAResponseThisServerIssued(BraintrustTestServer server) {
    RawHttp http = new RawHttp(server);
    String id =
        http.post("/v1/proxy/responses", "{\"model\":\"m\",\"input\":\"one\"}")
            .json()
            .get("id")
            .asText();

    RawHttp.Response next =
        http.post(
            "/v1/proxy/responses",
            "{\"model\":\"m\",\"previous_response_id\":\"" + id + "\",\"input\":\"two\"}");
    RawHttp.Response unknown =
        http.post(
            "/v1/proxy/responses",
            "{\"model\":\"m\",\"previous_response_id\":\"resp_nope\",\"input\":\"two\"}");
    RawHttp.Response noModel = http.post("/v1/proxy/responses", "{\"input\":\"two\"}");

    assertThat(next.status()).isEqualTo(200);
    assertThat(next.json().get("previous_response_id").asText()).isEqualTo(id);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().at("/error/code").asText()).isEqualTo("previous_response_not_found");
    assertThat(unknown.json().at("/error/message").asText()).contains("resp_nope");
    assertThat(noModel.status()).isEqualTo(400);
    assertThat(noModel.json().at("/error/param").asText()).isEqualTo("model");
  }

  @Test
  void aRecordedResponseBecomesTheStreamTheApiWouldSend() throws Exception {
    String whole =
        "{\"id\":\"r\",\"object\":\"response\",\"model\":\"m\",\"output\":[{\"id\":\"m1\","
            + "\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"output_text\",\"annotations\":[],\"text\":\"a b\"}]}]}";
    List<JsonNode> events = events(OpenAiResponsesStream.sse(whole));

    assertThat(events.stream().map(e -> e.get("type").asText()))
        .containsExactly(
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed");
    assertThat(events.get(events.size() - 1).get("response")).isEqualTo(MAPPER.readTree(whole));
  }
}
