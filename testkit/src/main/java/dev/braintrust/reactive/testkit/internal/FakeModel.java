package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic stand-in for a model behind the AI proxy: replies with scripted text if any is
 * queued, else echoes the last user message. Token counts are word counts.
 */
public final class FakeModel {
  private final ObjectMapper mapper;
  private final ConcurrentLinkedQueue<String> scripted = new ConcurrentLinkedQueue<>();
  private final AtomicLong ids = new AtomicLong();

  /** A model building its answers with {@code mapper}. */
  public FakeModel(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Queues a reply for the next call. */
  public void script(String reply) {
    scripted.add(reply);
  }

  /** Forgets queued replies. */
  public void clear() {
    scripted.clear();
  }

  /** The next scripted reply, else {@code echo: } and the last user message. */
  public String reply(JsonNode request) {
    String next = scripted.poll();
    if (next != null) {
      return next;
    }
    String last = "";
    for (JsonNode m : request.path("messages")) {
      if ("user".equals(m.path("role").asText())) {
        last = m.path("content").asText();
      }
    }
    return "echo: " + last;
  }

  /** Whitespace-separated words, the fake's token count. */
  public static int words(String s) {
    String t = s.trim();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  /** Words over all messages of a chat request. */
  public int promptTokens(JsonNode request) {
    int n = 0;
    for (JsonNode m : request.path("messages")) {
      n += words(m.path("content").asText());
    }
    return n;
  }

  /** A whole {@code chat.completion} answering {@code request} with {@code reply}. */
  public ObjectNode completion(JsonNode request, String reply) {
    ObjectNode out = mapper.createObjectNode();
    out.put("id", "chatcmpl-" + ids.incrementAndGet());
    out.put("object", "chat.completion");
    out.put("created", 1_700_000_000L);
    out.put("model", request.path("model").asText());
    ArrayNode choices = out.putArray("choices");
    ObjectNode c = choices.addObject();
    c.put("index", 0);
    ObjectNode msg = c.putObject("message");
    msg.put("role", "assistant");
    msg.put("content", reply);
    c.put("finish_reason", "stop");
    ObjectNode usage = out.putObject("usage");
    int p = promptTokens(request);
    int q = words(reply);
    usage.put("prompt_tokens", p);
    usage.put("completion_tokens", q);
    usage.put("total_tokens", p + q);
    return out;
  }

  /** The SSE {@code data:} payloads of a streamed reply, one word per chunk, then [DONE]. */
  public List<String> chunks(JsonNode request, String reply) {
    String id = "chatcmpl-" + ids.incrementAndGet();
    String model = request.path("model").asText();
    List<String> out = new ArrayList<>();
    String[] parts = reply.split("(?<= )");
    for (int i = 0; i < parts.length; i++) {
      ObjectNode chunk = mapper.createObjectNode();
      chunk.put("id", id);
      chunk.put("object", "chat.completion.chunk");
      chunk.put("model", model);
      ObjectNode c = chunk.putArray("choices").addObject();
      c.put("index", 0);
      ObjectNode delta = c.putObject("delta");
      if (i == 0) {
        delta.put("role", "assistant");
      }
      delta.put("content", parts[i]);
      if (i == parts.length - 1) {
        c.put("finish_reason", "stop");
        ObjectNode usage = chunk.putObject("usage");
        int p = promptTokens(request);
        int q = words(reply);
        usage.put("prompt_tokens", p);
        usage.put("completion_tokens", q);
        usage.put("total_tokens", p + q);
      } else {
        c.putNull("finish_reason");
      }
      out.add(chunk.toString());
    }
    out.add("[DONE]");
    return out;
  }

  /** One small deterministic vector per input string. */
  public ObjectNode embeddings(JsonNode request) {
    ObjectNode out = mapper.createObjectNode();
    out.put("object", "list");
    out.put("model", request.path("model").asText());
    ArrayNode data = out.putArray("data");
    List<String> inputs = new ArrayList<>();
    JsonNode in = request.path("input");
    if (in.isArray()) {
      in.forEach(x -> inputs.add(x.asText()));
    } else {
      inputs.add(in.asText());
    }
    int tokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      String text = inputs.get(i);
      tokens += words(text);
      ObjectNode d = data.addObject();
      d.put("object", "embedding");
      d.put("index", i);
      ArrayNode vec = d.putArray("embedding");
      // Deterministic: a small vector derived from the text's hash.
      int h = text.hashCode();
      for (int k = 0; k < 4; k++) {
        vec.add(((h >> (k * 8)) & 0xff) / 255.0);
      }
    }
    ObjectNode usage = out.putObject("usage");
    usage.put("prompt_tokens", tokens);
    usage.put("total_tokens", tokens);
    return out;
  }
}
