package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The fake model's answers in Bedrock's Converse format, whole or as the event-stream messages
 * {@code ConverseStream} sends. The text is the fake model's (scripted, else an echo of the last
 * user text); when the request offers tools and a tool call is scripted, or {@code toolChoice}
 * forces one ({@code any} or {@code tool}), the answer is a {@code toolUse} block instead. Token
 * counts are word counts.
 */
final class BedrockReplies {
  private final FakeModel model;
  private final AtomicLong ids = new AtomicLong();

  BedrockReplies(FakeModel model) {
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

  /** A whole Converse response. */
  ObjectNode converse(JsonNode request) {
    Answer answer = answer(request);
    ObjectNode out = Json.object();
    ObjectNode message = out.putObject("output").putObject("message").put("role", "assistant");
    if (answer.toolUse() != null) {
      message.putArray("content").addObject().set("toolUse", answer.toolUse());
    } else {
      message.putArray("content").addObject().put("text", answer.text());
    }
    out.put("stopReason", answer.stopReason());
    out.set("usage", usage(request, answer.outputTokens()));
    out.putObject("metrics").put("latencyMs", 1);
    return out;
  }

  /**
   * The stream's messages in the API's order: {@code messageStart}, for a tool call a {@code
   * contentBlockStart} with its id and name, one {@code contentBlockDelta} per word (or two halves
   * of a tool call's input), {@code contentBlockStop}, {@code messageStop} with the stop reason,
   * and {@code metadata} with the usage.
   */
  List<byte[]> frames(JsonNode request) {
    Answer answer = answer(request);
    List<byte[]> out = new ArrayList<>();
    out.add(EventStreamFrames.event("messageStart", Json.object().put("role", "assistant")));
    if (answer.toolUse() != null) {
      ObjectNode start = Json.object().put("contentBlockIndex", 0);
      start
          .putObject("start")
          .putObject("toolUse")
          .put("toolUseId", answer.toolUse().get("toolUseId").asText())
          .put("name", answer.toolUse().get("name").asText());
      out.add(EventStreamFrames.event("contentBlockStart", start));
      String input = answer.toolUse().get("input").toString();
      int mid = input.length() / 2;
      for (String part : List.of(input.substring(0, mid), input.substring(mid))) {
        ObjectNode delta = Json.object().put("contentBlockIndex", 0);
        delta.putObject("delta").putObject("toolUse").put("input", part);
        out.add(EventStreamFrames.event("contentBlockDelta", delta));
      }
    } else {
      for (String word : answer.text().split("(?<= )")) {
        if (!word.isEmpty()) {
          ObjectNode delta = Json.object().put("contentBlockIndex", 0);
          delta.putObject("delta").put("text", word);
          out.add(EventStreamFrames.event("contentBlockDelta", delta));
        }
      }
    }
    out.add(EventStreamFrames.event("contentBlockStop", Json.object().put("contentBlockIndex", 0)));
    out.add(
        EventStreamFrames.event(
            "messageStop", Json.object().put("stopReason", answer.stopReason())));
    ObjectNode metadata = Json.object();
    metadata.set("usage", usage(request, answer.outputTokens()));
    metadata.putObject("metrics").put("latencyMs", 1);
    out.add(EventStreamFrames.event("metadata", metadata));
    return out;
  }

  /**
   * A scripted stream: {@code body} is a JSON list of {@code {"event": type, "payload": {...}}} and
   * {@code {"exception": type, "payload": {...}}} items, each sent as one message.
   */
  static Reply cannedFrames(String body) {
    JsonNode items;
    try {
      items = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "a scripted event stream must be a JSON list: " + e.getOriginalMessage(), e);
    }
    List<byte[]> frames = new ArrayList<>();
    for (JsonNode item : items) {
      JsonNode payload = item.path("payload");
      if (item.hasNonNull("event")) {
        frames.add(EventStreamFrames.event(item.get("event").asText(), payload));
      } else if (item.hasNonNull("exception")) {
        frames.add(EventStreamFrames.exception(item.get("exception").asText(), payload));
      } else {
        throw new IllegalArgumentException(
            "a scripted event stream item needs an 'event' or 'exception' type: " + item);
      }
    }
    return Reply.frames(EventStreamFrames.CONTENT_TYPE, frames);
  }

  private Answer answer(JsonNode request) {
    String last = lastUserText(request);
    JsonNode tools = request.path("toolConfig").path("tools");
    if (tools.isArray() && !tools.isEmpty()) {
      FakeModel.ToolCall scripted = model.nextToolCall();
      if (scripted != null) {
        return new Answer("", toolUse(scripted.name(), parse(scripted.arguments())));
      }
      JsonNode choice = request.path("toolConfig").path("toolChoice");
      if (choice.has("any") || choice.has("tool")) {
        JsonNode tool = tools.get(0).path("toolSpec");
        for (JsonNode t : tools) {
          if (t.path("toolSpec")
              .path("name")
              .asText()
              .equals(choice.path("tool").path("name").asText())) {
            tool = t.path("toolSpec");
          }
        }
        return new Answer(
            "",
            toolUse(
                tool.path("name").asText(),
                arguments(tool.path("inputSchema").path("json"), last)));
      }
    }
    return new Answer(model.replyTo(last), null);
  }

  private ObjectNode toolUse(String name, JsonNode input) {
    ObjectNode use = Json.object().put("toolUseId", "tooluse_fake" + ids.incrementAndGet());
    use.put("name", name);
    use.set("input", input);
    return use;
  }

  private static JsonNode parse(String arguments) {
    try {
      return Json.MAPPER.readTree(arguments);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a scripted tool call's arguments must be JSON", e);
    }
  }

  /** Arguments for the required parameters: strings get the last user text. */
  private static ObjectNode arguments(JsonNode schema, String text) {
    ObjectNode args = Json.object();
    for (JsonNode name : schema.path("required")) {
      String type = schema.path("properties").path(name.asText()).path("type").asText("string");
      switch (type) {
        case "integer", "number" -> args.put(name.asText(), FakeModel.words(text));
        case "boolean" -> args.put(name.asText(), true);
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
      List<String> texts = new ArrayList<>();
      List<String> results = new ArrayList<>();
      for (JsonNode block : m.path("content")) {
        if (block.has("text")) {
          texts.add(block.get("text").asText());
        }
        for (JsonNode part : block.path("toolResult").path("content")) {
          results.add(part.has("text") ? part.get("text").asText() : part.path("json").toString());
        }
      }
      last = String.join(" ", texts.isEmpty() ? results : texts);
    }
    return last;
  }

  private static ObjectNode usage(JsonNode request, int outputTokens) {
    int input = 0;
    for (JsonNode s : request.path("system")) {
      input += FakeModel.words(s.path("text").asText());
    }
    for (JsonNode m : request.path("messages")) {
      for (JsonNode block : m.path("content")) {
        input += FakeModel.words(block.path("text").asText());
      }
    }
    return Json.object()
        .put("inputTokens", input)
        .put("outputTokens", outputTokens)
        .put("totalTokens", input + outputTokens);
  }
}
