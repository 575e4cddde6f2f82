package dev.braintrust.reactive.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.internal.Reply;
import dev.braintrust.reactive.testkit.internal.ResponsesReplies;

/**
 * The OpenAI Responses API's stream for a whole response: for scripting a streamed answer with
 * {@link BraintrustTestServer#scriptModelResponse} from a recorded (non-streamed) response, such as
 * a {@link LlmSpanCase}'s.
 */
public final class OpenAiResponsesStream {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OpenAiResponsesStream() {}

  /**
   * The Server-Sent Events the API would stream for {@code responseJson}: {@code response.created},
   * each output item added, its text in deltas and done, then {@code response.completed} carrying
   * the whole response.
   *
   * @param responseJson a Responses API {@code response} object
   * @return the {@code text/event-stream} body
   * @throws IllegalArgumentException if {@code responseJson} is not a JSON object
   */
  public static String sse(String responseJson) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(responseJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("responseJson is not JSON: " + e.getOriginalMessage(), e);
    }
    if (!(tree instanceof ObjectNode response)) {
      throw new IllegalArgumentException(
          "responseJson must be a JSON object, got " + tree.getNodeType());
    }
    StringBuilder out = new StringBuilder();
    for (Reply.Event e : ResponsesReplies.events(response)) {
      out.append("event: ").append(e.name()).append('\n');
      out.append("data: ").append(e.data()).append("\n\n");
    }
    return out.toString();
  }
}
