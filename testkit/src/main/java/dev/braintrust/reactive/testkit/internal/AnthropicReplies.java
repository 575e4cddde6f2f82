package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake model's answers in the Anthropic Messages format, whole or as the stream events the API
 * sends. The text is the fake model's (scripted, else an echo of the last user text); when {@code
 * tool_choice} forces a tool ({@code any} or {@code tool}) the answer calls it instead, with each
 * required string argument set to the last user text. With {@code thinking} enabled the answer
 * starts with a signed thinking block; with a web search server tool offered it searches once
 * (reported in {@code usage.server_tool_use}) before answering. Token counts are word counts; words
 * in blocks marked {@code cache_control} count as read from the prompt cache, as if always cached.
 */
final class AnthropicReplies {
  private final FakeModel model;
  private final AtomicLong ids = new AtomicLong();

  AnthropicReplies(FakeModel model) {
    this.model = model;
  }

  /**
   * What the model says: its content blocks in order, whether it stops to have a tool called, and
   * how many web searches it ran.
   */
  private record Answer(List<ObjectNode> blocks, boolean toolUse, int searches) {
    String stopReason() {
      return toolUse ? "tool_use" : "end_turn";
    }

    int outputTokens() {
      int words = 0;
      for (ObjectNode b : blocks) {
        words +=
            switch (b.path("type").asText()) {
              case "text" -> FakeModel.words(b.path("text").asText());
              case "thinking" -> FakeModel.words(b.path("thinking").asText());
              case "tool_use", "server_tool_use" -> FakeModel.words(b.get("input").toString());
              default -> 0;
            };
      }
      return words;
    }
  }

  /** The prompt's size: uncached words and words read from the cache. */
  private record Prompt(int input, int cached) {}

  /** A whole {@code message} answering {@code request}. */
  ObjectNode message(JsonNode request) {
    Answer answer = answer(request);
    ObjectNode msg = head(request);
    ArrayNode content = msg.putArray("content");
    answer.blocks().forEach(content::add);
    msg.put("stop_reason", answer.stopReason());
    msg.putNull("stop_sequence");
    msg.set("usage", usage(prompt(request), answer.outputTokens(), answer.searches()));
    return msg;
  }

  /**
   * The stream events of an answer, in the API's order: {@code message_start}, per block {@code
   * content_block_start} (the first followed by a {@code ping}), its deltas ({@code text_delta} and
   * {@code thinking_delta} per word, a thinking block's {@code signature_delta}, a tool call's
   * arguments as two {@code input_json_delta} halves; a search result block arrives whole) and
   * {@code content_block_stop}, then {@code message_delta} with the stop reason and output tokens,
   * {@code message_stop}.
   */
  List<Reply.Event> events(JsonNode request) {
    Answer answer = answer(request);
    List<Reply.Event> out = new ArrayList<>();
    ObjectNode start = head(request);
    start.putArray("content");
    start.putNull("stop_reason");
    start.putNull("stop_sequence");
    start.set("usage", usage(prompt(request), 1, 0));
    out.add(
        event("message_start", Json.object().put("type", "message_start").set("message", start)));
    for (int i = 0; i < answer.blocks().size(); i++) {
      ObjectNode block = answer.blocks().get(i);
      ObjectNode empty = block.deepCopy();
      List<ObjectNode> deltas = new ArrayList<>();
      switch (block.path("type").asText()) {
        case "text" -> {
          empty.put("text", "");
          for (String word : block.path("text").asText().split("(?<= )")) {
            if (!word.isEmpty()) {
              deltas.add(Json.object().put("type", "text_delta").put("text", word));
            }
          }
        }
        case "thinking" -> {
          empty.put("thinking", "").put("signature", "");
          for (String word : block.path("thinking").asText().split("(?<= )")) {
            if (!word.isEmpty()) {
              deltas.add(Json.object().put("type", "thinking_delta").put("thinking", word));
            }
          }
          deltas.add(
              Json.object()
                  .put("type", "signature_delta")
                  .put("signature", block.path("signature").asText()));
        }
        case "tool_use", "server_tool_use" -> {
          empty.putObject("input");
          String args = block.get("input").toString();
          int mid = args.length() / 2;
          for (String part : List.of(args.substring(0, mid), args.substring(mid))) {
            deltas.add(Json.object().put("type", "input_json_delta").put("partial_json", part));
          }
        }
        default -> {}
      }
      ObjectNode blockStart = Json.object().put("type", "content_block_start").put("index", i);
      out.add(event("content_block_start", blockStart.set("content_block", empty)));
      if (i == 0) {
        // Where the API sends it: after the first block's start.
        out.add(event("ping", Json.object().put("type", "ping")));
      }
      for (ObjectNode delta : deltas) {
        out.add(
            event(
                "content_block_delta",
                Json.object()
                    .put("type", "content_block_delta")
                    .put("index", i)
                    .set("delta", delta)));
      }
      out.add(
          event(
              "content_block_stop",
              Json.object().put("type", "content_block_stop").put("index", i)));
    }
    ObjectNode messageDelta = Json.object().put("type", "message_delta");
    messageDelta
        .putObject("delta")
        .put("stop_reason", answer.stopReason())
        .putNull("stop_sequence");
    ObjectNode deltaUsage =
        messageDelta.putObject("usage").put("output_tokens", answer.outputTokens());
    if (answer.searches() > 0) {
      deltaUsage.putObject("server_tool_use").put("web_search_requests", answer.searches());
    }
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

  private static ObjectNode usage(Prompt prompt, int outputTokens, int searches) {
    ObjectNode usage =
        Json.object()
            .put("input_tokens", prompt.input())
            .put("cache_creation_input_tokens", 0)
            .put("cache_read_input_tokens", prompt.cached())
            .put("output_tokens", outputTokens);
    if (searches > 0) {
      usage.putObject("server_tool_use").put("web_search_requests", searches);
    }
    return usage;
  }

  /**
   * A thinking block first when {@code thinking} is enabled; then a call of the tool {@code
   * tool_choice} forces, or, when a web search tool is offered, a search (its {@code
   * server_tool_use} and {@code web_search_tool_result} blocks) before the text; else the text.
   */
  private Answer answer(JsonNode request) {
    String last = lastUserText(request);
    List<ObjectNode> blocks = new ArrayList<>();
    String thinking = request.path("thinking").path("type").asText("");
    if (thinking.equals("enabled") || thinking.equals("adaptive")) {
      blocks.add(
          Json.object()
              .put("type", "thinking")
              .put("thinking", "Thinking about: " + last)
              .put("signature", "sig_fake" + ids.incrementAndGet()));
    }
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
      blocks.add(use);
      return new Answer(blocks, true, 0);
    }
    int searches = 0;
    for (JsonNode t : request.path("tools")) {
      if (t.path("type").asText().startsWith("web_search_") && searches == 0) {
        searches = 1;
        String id = "srvtoolu_fake" + ids.incrementAndGet();
        ObjectNode use =
            Json.object()
                .put("type", "server_tool_use")
                .put("id", id)
                .put("name", t.path("name").asText("web_search"));
        use.putObject("input").put("query", last);
        blocks.add(use);
        ObjectNode result =
            Json.object().put("type", "web_search_tool_result").put("tool_use_id", id);
        result
            .putArray("content")
            .addObject()
            .put("type", "web_search_result")
            .put("url", "https://example.com/search?q=" + FakeModel.words(last))
            .put("title", "Result for: " + last)
            .put("encrypted_content", "enc_fake")
            .putNull("page_age");
        blocks.add(result);
      }
    }
    blocks.add(Json.object().put("type", "text").put("text", model.replyTo(last)));
    return new Answer(blocks, false, searches);
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
