package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The fake model's answers in the Gemini API format, whole or as the stream chunks the API sends.
 * The text is the fake model's (scripted, else an echo of the last user text); a scripted tool call
 * is answered as one {@code functionCall} part with the arguments as a JSON object. Token counts
 * are word counts over the text parts. Streams send one word per chunk, each with the running
 * {@code usageMetadata}, the last with {@code finishReason}; a function call comes whole in one
 * chunk, as Gemini sends it.
 */
final class GeminiReplies {
  private final FakeModel model;
  private final AtomicLong ids = new AtomicLong();

  GeminiReplies(FakeModel model) {
    this.model = model;
  }

  /** A whole {@code GenerateContentResponse}. */
  ObjectNode response(JsonNode request, String modelName) {
    FakeModel.ToolCall call = model.nextToolCall();
    String id = "resp-" + ids.incrementAndGet();
    if (call != null) {
      return chunk(modelName, id, functionCall(call), "STOP", usage(request, words(call)));
    }
    String text = model.replyTo(lastUserText(request));
    ObjectNode part = Json.object().put("text", text);
    return chunk(modelName, id, part, "STOP", usage(request, FakeModel.words(text)));
  }

  /** The {@code data:} payloads of a streamed answer. */
  List<String> chunks(JsonNode request, String modelName) {
    List<String> out = new ArrayList<>();
    for (ObjectNode c : chunkList(request, modelName)) {
      out.add(c.toString());
    }
    return out;
  }

  /** The chunks as the one JSON array the API sends without {@code alt=sse}. */
  ArrayNode chunkArray(JsonNode request, String modelName) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    chunkList(request, modelName).forEach(out::add);
    return out;
  }

  private List<ObjectNode> chunkList(JsonNode request, String modelName) {
    String id = "resp-" + ids.incrementAndGet();
    List<ObjectNode> out = new ArrayList<>();
    FakeModel.ToolCall call = model.nextToolCall();
    if (call != null) {
      out.add(chunk(modelName, id, functionCall(call), "STOP", usage(request, words(call))));
      return out;
    }
    String text = model.replyTo(lastUserText(request));
    String[] pieces = text.split("(?<= )");
    int sent = 0;
    for (int i = 0; i < pieces.length; i++) {
      sent += FakeModel.words(pieces[i]);
      boolean last = i == pieces.length - 1;
      ObjectNode part = Json.object().put("text", pieces[i]);
      out.add(chunk(modelName, id, part, last ? "STOP" : null, usage(request, sent)));
    }
    return out;
  }

  private static ObjectNode chunk(
      String modelName, String id, ObjectNode part, @Nullable String finish, ObjectNode usage) {
    ObjectNode out = Json.object();
    ObjectNode candidate = out.putArray("candidates").addObject();
    ObjectNode content = candidate.putObject("content");
    content.putArray("parts").add(part);
    content.put("role", "model");
    if (finish != null) {
      candidate.put("finishReason", finish);
    }
    candidate.put("index", 0);
    out.set("usageMetadata", usage);
    out.put("modelVersion", modelName);
    out.put("responseId", id);
    return out;
  }

  private static ObjectNode functionCall(FakeModel.ToolCall call) {
    ObjectNode part = Json.object();
    ObjectNode fc = part.putObject("functionCall").put("name", call.name());
    try {
      fc.set("args", Json.MAPPER.readTree(call.arguments()));
    } catch (JsonProcessingException e) {
      fc.putObject("args").put("value", call.arguments());
    }
    return part;
  }

  private static int words(FakeModel.ToolCall call) {
    return FakeModel.words(call.arguments());
  }

  private ObjectNode usage(JsonNode request, int candidates) {
    int prompt = textWords(request.path("systemInstruction"));
    for (JsonNode c : request.path("contents")) {
      prompt += textWords(c);
    }
    ObjectNode u = Json.object();
    u.put("promptTokenCount", prompt);
    u.put("candidatesTokenCount", candidates);
    u.put("totalTokenCount", prompt + candidates);
    return u;
  }

  private static int textWords(JsonNode content) {
    int n = 0;
    for (JsonNode p : content.path("parts")) {
      n += FakeModel.words(p.path("text").asText(""));
    }
    return n;
  }

  /** The text parts of the last {@code user} content, joined. */
  private static String lastUserText(JsonNode request) {
    String last = "";
    for (JsonNode c : request.path("contents")) {
      if (c.path("role").asText("user").equals("user")) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : c.path("parts")) {
          sb.append(p.path("text").asText(""));
        }
        last = sb.toString();
      }
    }
    return last;
  }

  /** One small deterministic vector per content, as {@code embedding} or {@code embeddings}. */
  ObjectNode embeddings(JsonNode request, String modelName, boolean batch) {
    ObjectNode out = Json.object();
    if (!batch) {
      out.putObject("embedding").set("values", vector(request.path("content")));
      return out;
    }
    ArrayNode list = out.putArray("embeddings");
    for (JsonNode r : request.path("requests")) {
      list.addObject().set("values", vector(r.path("content")));
    }
    return out;
  }

  private static ArrayNode vector(JsonNode content) {
    StringBuilder text = new StringBuilder();
    for (JsonNode p : content.path("parts")) {
      text.append(p.path("text").asText(""));
    }
    int h = text.toString().hashCode();
    ArrayNode vec = Json.MAPPER.createArrayNode();
    for (int k = 0; k < 4; k++) {
      vec.add(((h >> (k * 8)) & 0xff) / 255.0);
    }
    return vec;
  }
}
