package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake model's answers in the OpenAI Responses format ({@code POST /v1/responses}), whole or as
 * the Server-Sent Events the API streams. The text is the fake model's (scripted, else an echo of
 * the last user text); a scripted tool call, or a {@code tool_choice} forcing a function, answers
 * with a {@code function_call} item; a request with {@code reasoning} gets a {@code reasoning} item
 * first (with a summary when {@code reasoning.summary} asks for one). Responses are remembered so a
 * later request may continue one by {@code previous_response_id}; an unknown id is refused as the
 * API refuses it. Token counts are word counts.
 */
public final class ResponsesReplies {
  private static final long CREATED = 1_700_000_000L;
  // Enough for any test; bounded so a long-running standalone server does not grow without end.
  private static final int REMEMBERED = 10_000;

  private final FakeModel model;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Boolean> issued = new ConcurrentHashMap<>();

  ResponsesReplies(FakeModel model) {
    this.model = model;
  }

  /** Whether {@code id} names a response this server issued. */
  boolean known(String id) {
    return issued.containsKey(id);
  }

  /** A whole {@code response} answering {@code request}. */
  ObjectNode response(JsonNode request) {
    String id = "resp_fake" + ids.incrementAndGet();
    if (issued.size() < REMEMBERED) {
      issued.put(id, Boolean.TRUE);
    }
    ObjectNode r = head(request, id, "completed");
    ArrayNode output = r.putArray("output");
    String last = lastUserText(request.path("input"));
    JsonNode reasoning = request.path("reasoning");
    int reasoningTokens = 0;
    if (reasoning.isObject()) {
      ObjectNode item = output.addObject().put("id", "rs_fake" + ids.incrementAndGet());
      item.put("type", "reasoning");
      ArrayNode summary = item.putArray("summary");
      String thought = "Thinking about: " + last;
      reasoningTokens = FakeModel.words(thought);
      if (reasoning.hasNonNull("summary")) {
        summary.addObject().put("type", "summary_text").put("text", thought);
      }
    }
    int outputTokens;
    FakeModel.ToolCall call = toolCall(request, last);
    if (call != null) {
      ObjectNode item = output.addObject();
      item.put("id", "fc_fake" + ids.incrementAndGet());
      item.put("type", "function_call");
      item.put("status", "completed");
      item.put("arguments", call.arguments());
      item.put("call_id", "call_fake" + ids.incrementAndGet());
      item.put("name", call.name());
      outputTokens = FakeModel.words(call.arguments());
    } else {
      String text = model.replyTo(last);
      ObjectNode item = output.addObject();
      item.put("id", "msg_fake" + ids.incrementAndGet());
      item.put("type", "message");
      item.put("status", "completed");
      item.put("role", "assistant");
      ObjectNode part = item.putArray("content").addObject().put("type", "output_text");
      part.putArray("annotations");
      part.putArray("logprobs");
      part.put("text", text);
      outputTokens = FakeModel.words(text);
    }
    int input = FakeModel.words(allText(request.path("input")));
    ObjectNode usage = r.putObject("usage");
    usage.put("input_tokens", input);
    usage.putObject("input_tokens_details").put("cached_tokens", 0);
    usage.put("output_tokens", outputTokens + reasoningTokens);
    usage.putObject("output_tokens_details").put("reasoning_tokens", reasoningTokens);
    usage.put("total_tokens", input + outputTokens + reasoningTokens);
    return r;
  }

  /** The scripted tool call, else a call of the function {@code tool_choice} forces, else null. */
  private FakeModel.ToolCall toolCall(JsonNode request, String last) {
    FakeModel.ToolCall scripted = model.nextToolCall();
    if (scripted != null) {
      return scripted;
    }
    JsonNode choice = request.path("tool_choice");
    if (choice.path("type").asText().equals("function") && choice.hasNonNull("name")) {
      ObjectNode args = Json.object();
      for (JsonNode t : request.path("tools")) {
        if (t.path("name").asText().equals(choice.get("name").asText())) {
          for (JsonNode p : t.path("parameters").path("required")) {
            args.put(p.asText(), last);
          }
        }
      }
      return new FakeModel.ToolCall(choice.get("name").asText(), args.toString());
    }
    return null;
  }

  private static ObjectNode head(JsonNode request, String id, String status) {
    ObjectNode r = Json.object();
    r.put("id", id);
    r.put("object", "response");
    r.put("created_at", CREATED);
    r.put("status", status);
    r.putNull("error");
    r.putNull("incomplete_details");
    r.set("instructions", request.get("instructions"));
    r.put("model", request.path("model").asText());
    r.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
    r.set("previous_response_id", request.get("previous_response_id"));
    r.put("temperature", request.path("temperature").asDouble(1.0));
    r.put("top_p", request.path("top_p").asDouble(1.0));
    if (request.has("tool_choice")) {
      r.set("tool_choice", request.get("tool_choice"));
    } else {
      r.put("tool_choice", "auto");
    }
    r.set("tools", request.has("tools") ? request.get("tools") : Json.MAPPER.createArrayNode());
    r.putObject("metadata");
    return r;
  }

  /**
   * The stream events of {@code response} in the API's order: {@code response.created}, {@code
   * response.in_progress}, per output item {@code response.output_item.added}, its parts' deltas
   * (summary text and output text word by word, function arguments in two halves) and {@code
   * response.output_item.done}, then {@code response.completed} with the whole response. Each event
   * carries its {@code type} and a {@code sequence_number}.
   */
  public static List<Reply.Event> events(ObjectNode response) {
    Events out = new Events();
    ObjectNode pending = response.deepCopy();
    pending.put("status", "in_progress");
    pending.putArray("output");
    pending.remove("usage");
    out.add("response.created", Json.object().set("response", pending));
    out.add("response.in_progress", Json.object().set("response", pending));
    JsonNode items = response.path("output");
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      out.add("response.output_item.added", indexed(i).set("item", started(item)));
      switch (item.path("type").asText()) {
        case "reasoning" -> reasoning(out, i, item);
        case "message" -> message(out, i, item);
        case "function_call" -> {
          String args = item.path("arguments").asText();
          int mid = args.length() / 2;
          for (String part : List.of(args.substring(0, mid), args.substring(mid))) {
            out.add(
                "response.function_call_arguments.delta",
                indexed(i).put("item_id", item.path("id").asText()).put("delta", part));
          }
          out.add(
              "response.function_call_arguments.done",
              indexed(i).put("item_id", item.path("id").asText()).put("arguments", args));
        }
        default -> {}
      }
      out.add("response.output_item.done", indexed(i).set("item", item));
    }
    out.add("response.completed", Json.object().set("response", response));
    return out.events;
  }

  private static void reasoning(Events out, int i, JsonNode item) {
    JsonNode summary = item.path("summary");
    for (int s = 0; s < summary.size(); s++) {
      String text = summary.get(s).path("text").asText();
      ObjectNode at = indexed(i).put("item_id", item.path("id").asText()).put("summary_index", s);
      out.add(
          "response.reasoning_summary_part.added",
          at.deepCopy().set("part", Json.object().put("type", "summary_text").put("text", "")));
      for (String word : words(text)) {
        out.add("response.reasoning_summary_text.delta", at.deepCopy().put("delta", word));
      }
      out.add("response.reasoning_summary_text.done", at.deepCopy().put("text", text));
      out.add("response.reasoning_summary_part.done", at.deepCopy().set("part", summary.get(s)));
    }
  }

  private static void message(Events out, int i, JsonNode item) {
    JsonNode content = item.path("content");
    for (int c = 0; c < content.size(); c++) {
      JsonNode part = content.get(c);
      ObjectNode at = indexed(i).put("item_id", item.path("id").asText()).put("content_index", c);
      ObjectNode empty = ((ObjectNode) part.deepCopy()).put("text", "");
      out.add("response.content_part.added", at.deepCopy().set("part", empty));
      String text = part.path("text").asText();
      for (String word : words(text)) {
        out.add(
            "response.output_text.delta",
            at.deepCopy().put("delta", word).set("logprobs", Json.MAPPER.createArrayNode()));
      }
      out.add(
          "response.output_text.done",
          at.deepCopy().put("text", text).set("logprobs", Json.MAPPER.createArrayNode()));
      out.add("response.content_part.done", at.deepCopy().set("part", part));
    }
  }

  /** An item as {@code output_item.added} announces it: in progress, with nothing generated. */
  private static ObjectNode started(JsonNode item) {
    ObjectNode s = item.deepCopy();
    switch (item.path("type").asText()) {
      case "reasoning" -> s.putArray("summary");
      case "message" -> s.putArray("content");
      case "function_call" -> s.put("arguments", "");
      default -> {}
    }
    if (s.has("status")) {
      s.put("status", "in_progress");
    }
    return s;
  }

  private static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    for (String w : text.split("(?<= )")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  private static ObjectNode indexed(int outputIndex) {
    return Json.object().put("output_index", outputIndex);
  }

  /** Numbered events, each with its {@code type}. */
  private static final class Events {
    final List<Reply.Event> events = new ArrayList<>();

    void add(String type, ObjectNode data) {
      ObjectNode e = Json.object().put("type", type);
      e.setAll(data);
      e.put("sequence_number", events.size());
      events.add(new Reply.Event(type, e.toString()));
    }
  }

  /**
   * The last user text of an {@code input}: a string, or the last user message's text (a string or
   * its {@code input_text} parts), else the output of the last {@code function_call_output}.
   */
  static String lastUserText(JsonNode input) {
    if (input.isTextual()) {
      return input.asText();
    }
    String last = "";
    for (JsonNode item : input) {
      if (item.path("type").asText().equals("function_call_output")) {
        last = item.path("output").asText();
      } else if (item.path("role").asText().equals("user")) {
        last = text(item.path("content"));
      }
    }
    return last;
  }

  private static String allText(JsonNode input) {
    if (input.isTextual()) {
      return input.asText();
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode item : input) {
      texts.add(text(item.path("content")));
      texts.add(item.path("output").asText(""));
    }
    return String.join(" ", texts);
  }

  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode part : content) {
      if (part.hasNonNull("text")) {
        texts.add(part.get("text").asText());
      }
    }
    return String.join(" ", texts);
  }
}
