package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The fake model's answers in the Anthropic Messages format, whole or as the stream events the API
 * sends. The text is the fake model's (scripted, else an echo of the last user text); when {@code
 * tool_choice} forces a tool ({@code any} or {@code tool}) the answer calls it instead, with each
 * required string argument set to the last user text. Token counts are word counts; words in blocks
 * marked {@code cache_control} count as read from the prompt cache, as if always cached.
 */
final class AnthropicReplies {
  private final FakeModel model;
  private final AtomicLong ids = new AtomicLong();

  AnthropicReplies(FakeModel model) {
    this.model = model;
  }

  /** What the model says: text, or a call of one tool. */
  private record Answer(String text, @Nullable ObjectNode toolUse) {
    String stopReason() {
      return toolUse == null ? "end_turn" : "tool_use";
    }

    int outputTokens() {
      return FakeModel.words(toolUse == null ? text : toolUse.get("input").toString());
    }
  }

  /** The prompt's size: uncached words and words read from the cache. */
  private record Prompt(int input, int cached) {}

  /** A whole {@code message} answering {@code request}. */
  ObjectNode message(JsonNode request) {
    Answer answer = answer(request);
    ObjectNode msg = head(request);
    ArrayNode content = msg.putArray("content");
    if (answer.toolUse() != null) {
      content.add(answer.toolUse());
    } else {
      content.addObject().put("type", "text").put("text", answer.text());
    }
    msg.put("stop_reason", answer.stopReason());
    msg.putNull("stop_sequence");
    msg.set("usage", usage(prompt(request), answer.outputTokens()));
    return msg;
  }

  /**
   * The stream events of an answer, in the API's order: {@code message_start}, {@code
   * content_block_start}, a {@code ping}, one {@code content_block_delta} per word (or two halves
   * of a tool call's arguments), {@code content_block_stop}, {@code message_delta} with the stop
   * reason and output tokens, {@code message_stop}.
   */
  List<Reply.Event> events(JsonNode request) {
    Answer answer = answer(request);
    List<Reply.Event> out = new ArrayList<>();
    ObjectNode start = head(request);
    start.putArray("content");
    start.putNull("stop_reason");
    start.putNull("stop_sequence");
    start.set("usage", usage(prompt(request), 1));
    out.add(
        event("message_start", Json.object().put("type", "message_start").set("message", start)));

    ObjectNode blockStart = Json.object().put("type", "content_block_start").put("index", 0);
    List<ObjectNode> deltas = new ArrayList<>();
    if (answer.toolUse() != null) {
      ObjectNode block = answer.toolUse().deepCopy();
      block.putObject("input");
      blockStart.set("content_block", block);
      String args = answer.toolUse().get("input").toString();
      int mid = args.length() / 2;
      for (String part : List.of(args.substring(0, mid), args.substring(mid))) {
        deltas.add(Json.object().put("type", "input_json_delta").put("partial_json", part));
      }
    } else {
      blockStart.putObject("content_block").put("type", "text").put("text", "");
      for (String word : answer.text().split("(?<= )")) {
        if (!word.isEmpty()) {
          deltas.add(Json.object().put("type", "text_delta").put("text", word));
        }
      }
    }
    out.add(event("content_block_start", blockStart));
    out.add(event("ping", Json.object().put("type", "ping")));
    for (ObjectNode delta : deltas) {
      out.add(
          event(
              "content_block_delta",
              Json.object()
                  .put("type", "content_block_delta")
                  .put("index", 0)
                  .set("delta", delta)));
    }
    out.add(
        event(
            "content_block_stop", Json.object().put("type", "content_block_stop").put("index", 0)));
    ObjectNode messageDelta = Json.object().put("type", "message_delta");
    messageDelta
        .putObject("delta")
        .put("stop_reason", answer.stopReason())
        .putNull("stop_sequence");
    messageDelta.putObject("usage").put("output_tokens", answer.outputTokens());
    out.add(event("message_delta", messageDelta));
    out.add(event("message_stop", Json.object().put("type", "message_stop")));
    return out;
  }

  private static Reply.Event event(String name, JsonNode data) {
    return new Reply.Event(name, data.toString());
  }

  private ObjectNode head(JsonNode request) {
    ObjectNode msg = Json.object();
    msg.put("id", "msg_fake" + ids.incrementAndGet());
    msg.put("type", "message");
    msg.put("role", "assistant");
    msg.put("model", request.path("model").asText());
    return msg;
  }

  private static ObjectNode usage(Prompt prompt, int outputTokens) {
    return Json.object()
        .put("input_tokens", prompt.input())
        .put("cache_creation_input_tokens", 0)
        .put("cache_read_input_tokens", prompt.cached())
        .put("output_tokens", outputTokens);
  }

  private Answer answer(JsonNode request) {
    String last = lastUserText(request);
    JsonNode choice = request.path("tool_choice");
    String type = choice.path("type").asText("");
    if (type.equals("any") || type.equals("tool")) {
      JsonNode tool = request.path("tools").get(0);
      for (JsonNode t : request.path("tools")) {
        if (t.path("name").asText().equals(choice.path("name").asText())) {
          tool = t;
        }
      }
      ObjectNode use =
          Json.object()
              .put("type", "tool_use")
              .put("id", "toolu_fake" + ids.incrementAndGet())
              .put("name", tool.path("name").asText());
      use.set("input", arguments(tool.path("input_schema"), last));
      return new Answer("", use);
    }
    return new Answer(model.replyTo(last), null);
  }

  /** Arguments for the required parameters: strings get the last user text. */
  private static ObjectNode arguments(JsonNode schema, String text) {
    ObjectNode args = Json.object();
    for (JsonNode name : schema.path("required")) {
      String type = schema.path("properties").path(name.asText()).path("type").asText("string");
      switch (type) {
        case "integer", "number" -> args.put(name.asText(), FakeModel.words(text));
        case "boolean" -> args.put(name.asText(), true);
        case "array" -> args.putArray(name.asText());
        case "object" -> args.putObject(name.asText());
        default -> args.put(name.asText(), text);
      }
    }
    return args;
  }

  /** The last user message's text blocks, else the text of its tool results. */
  private static String lastUserText(JsonNode request) {
    String last = "";
    for (JsonNode m : request.path("messages")) {
      if (!m.path("role").asText().equals("user")) {
        continue;
      }
      JsonNode content = m.path("content");
      if (content.isTextual()) {
        last = content.asText();
        continue;
      }
      List<String> texts = new ArrayList<>();
      List<String> results = new ArrayList<>();
      for (JsonNode block : content) {
        switch (block.path("type").asText()) {
          case "text" -> texts.add(block.path("text").asText());
          case "tool_result" -> results.add(text(block.path("content")));
          default -> {}
        }
      }
      last = String.join(" ", texts.isEmpty() ? results : texts);
    }
    return last;
  }

  /** A string, or the text blocks of a block list, joined. */
  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode block : content) {
      if (block.path("type").asText().equals("text")) {
        texts.add(block.path("text").asText());
      }
    }
    return String.join(" ", texts);
  }

  /** Words of the system prompt and every message, split by whether they are marked cached. */
  private static Prompt prompt(JsonNode request) {
    int[] counts = new int[2];
    count(request.path("system"), counts);
    for (JsonNode m : request.path("messages")) {
      count(m.path("content"), counts);
    }
    return new Prompt(counts[0], counts[1]);
  }

  private static void count(JsonNode content, int[] counts) {
    if (content.isTextual()) {
      counts[0] += FakeModel.words(content.asText());
      return;
    }
    for (JsonNode block : content) {
      int words =
          switch (block.path("type").asText()) {
            case "text" -> FakeModel.words(block.path("text").asText());
            case "tool_result" -> FakeModel.words(text(block.path("content")));
            default -> 0;
          };
      counts[block.hasNonNull("cache_control") ? 1 : 0] += words;
    }
  }
}
