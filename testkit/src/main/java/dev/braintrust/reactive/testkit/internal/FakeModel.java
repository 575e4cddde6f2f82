package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A deterministic stand-in for a model behind the AI proxy: replies with scripted text or a
 * scripted tool call if any is queued, else echoes the last user message. Token counts are word
 * counts. Streams follow OpenAI: with {@code stream_options.include_usage} the usage comes in a
 * last chunk with no choices.
 */
public final class FakeModel {
  private static final long CREATED = 1_700_000_000L;

  private final ObjectMapper mapper;
  // Strings are text replies, ToolCalls tool calls, in the order they were scripted.
  private final ConcurrentLinkedQueue<Object> scripted = new ConcurrentLinkedQueue<>();
  private final AtomicLong ids = new AtomicLong();

  /**
   * A scripted function call the model answers with.
   *
   * @param name the function name
   * @param arguments the arguments, a JSON text
   */
  public record ToolCall(String name, String arguments) {}

  /** A model building its answers with {@code mapper}. */
  public FakeModel(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Queues a reply for the next call. */
  public void script(String reply) {
    scripted.add(reply);
  }

  /** Queues a tool call for the next call. */
  public void scriptToolCall(String name, String arguments) {
    scripted.add(new ToolCall(name, arguments));
  }

  /**
   * A whole provider response given verbatim: the next model call on any provider route is answered
   * with this body, whatever its format.
   *
   * @param status the HTTP status
   * @param contentType the response's content type, e.g. {@code text/event-stream}
   * @param body the response body, sent as given
   */
  public record Canned(int status, String contentType, String body) {}

  private final ConcurrentLinkedQueue<Canned> canned = new ConcurrentLinkedQueue<>();

  /** Queues a verbatim response for the next model call. */
  public void scriptCanned(Canned response) {
    canned.add(response);
  }

  /**
   * The next verbatim response, taking it, or null when none is queued. An event stream is sent
   * event by event, so {@code sseEventDelay} paces it as it paces the fake model's own streams.
   */
  public @Nullable Reply nextCanned() {
    Canned c = canned.poll();
    if (c == null) {
      return null;
    }
    if (c.status() == 200 && c.contentType().startsWith(EventStreamFrames.CONTENT_TYPE)) {
      return BedrockReplies.cannedFrames(c.body());
    }
    if (c.status() == 200 && c.contentType().startsWith("text/event-stream")) {
      List<Reply.Event> events = new ArrayList<>();
      for (String block : c.body().split("\n\n")) {
        String name = null;
        List<String> data = new ArrayList<>();
        for (String line : block.split("\n")) {
          if (line.startsWith("event:")) {
            name = line.substring(6).strip();
          } else if (line.startsWith("data:")) {
            data.add(line.substring(5).stripLeading());
          }
        }
        if (!data.isEmpty()) {
          events.add(new Reply.Event(name, String.join("\n", data)));
        }
      }
      return Reply.namedEvents(events);
    }
    return Reply.text(c.status(), c.contentType(), c.body());
  }

  /** Forgets queued replies. */
  public void clear() {
    scripted.clear();
    canned.clear();
  }

  /** The next reply if it is a scripted tool call (taking it), else null. */
  public @Nullable ToolCall nextToolCall() {
    Object head = scripted.peek();
    return head instanceof ToolCall && scripted.remove(head) ? (ToolCall) head : null;
  }

  /** The next scripted reply, else {@code echo: } and the last user message. */
  public String reply(JsonNode request) {
    String last = "";
    for (JsonNode m : request.path("messages")) {
      if ("user".equals(m.path("role").asText())) {
        last = m.path("content").asText();
      }
    }
    return replyTo(last);
  }

  /**
   * The next scripted reply, else {@code echo: } and {@code lastUserText}: the same answer for
   * every wire format, each of which finds its last user text its own way.
   */
  public String replyTo(String lastUserText) {
    Object next = scripted.poll();
    if (next instanceof ToolCall call) {
      // A caller that doesn't ask for tool calls gets the call as text rather than losing it.
      return call.name() + "(" + call.arguments() + ")";
    }
    return next != null ? (String) next : "echo: " + lastUserText;
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
    out.put("created", CREATED);
    out.put("model", request.path("model").asText());
    ArrayNode choices = out.putArray("choices");
    ObjectNode c = choices.addObject();
    c.put("index", 0);
    ObjectNode msg = c.putObject("message");
    msg.put("role", "assistant");
    msg.put("content", reply);
    c.put("finish_reason", "stop");
    usage(out, request, words(reply));
    return out;
  }

  /** A whole {@code chat.completion} whose message calls {@code call} instead of answering. */
  public ObjectNode toolCallCompletion(JsonNode request, ToolCall call) {
    ObjectNode out = header(request, "chatcmpl-" + ids.incrementAndGet(), "chat.completion");
    ObjectNode c = out.putArray("choices").addObject();
    c.put("index", 0);
    ObjectNode msg = c.putObject("message");
    msg.put("role", "assistant");
    msg.putNull("content");
    ObjectNode tc = msg.putArray("tool_calls").addObject();
    tc.put("id", "call_" + ids.incrementAndGet());
    tc.put("type", "function");
    tc.putObject("function").put("name", call.name()).put("arguments", call.arguments());
    c.put("finish_reason", "tool_calls");
    usage(out, request, words(call.arguments()));
    return out;
  }

  /**
   * The SSE payloads of a streamed tool call, as OpenAI sends them: the id and name first, the
   * arguments in two fragments, then a chunk with the finish reason.
   */
  public List<String> toolCallChunks(JsonNode request, ToolCall call) {
    String id = "chatcmpl-" + ids.incrementAndGet();
    String args = call.arguments();
    int half = args.length() / 2;
    List<String> out = new ArrayList<>();
    ObjectNode first = chunk(request, id);
    ObjectNode delta =
        first.withArrayProperty("choices").addObject().put("index", 0).putObject("delta");
    delta.put("role", "assistant");
    delta.putNull("content");
    delta
        .putArray("tool_calls")
        .addObject()
        .put("index", 0)
        .put("id", "call_" + ids.incrementAndGet())
        .put("type", "function")
        .putObject("function")
        .put("name", call.name())
        .put("arguments", "");
    out.add(first.toString());
    for (String part : new String[] {args.substring(0, half), args.substring(half)}) {
      ObjectNode next = chunk(request, id);
      next.withArrayProperty("choices")
          .addObject()
          .put("index", 0)
          .putObject("delta")
          .putArray("tool_calls")
          .addObject()
          .put("index", 0)
          .putObject("function")
          .put("arguments", part);
      out.add(next.toString());
    }
    ObjectNode last = chunk(request, id);
    ObjectNode lc = last.withArrayProperty("choices").addObject().put("index", 0);
    lc.putObject("delta");
    lc.put("finish_reason", "tool_calls");
    finish(out, last, request, words(args));
    return out;
  }

  private ObjectNode header(JsonNode request, String id, String object) {
    ObjectNode out = mapper.createObjectNode();
    out.put("id", id);
    out.put("object", object);
    out.put("created", CREATED);
    out.put("model", request.path("model").asText());
    return out;
  }

  private ObjectNode chunk(JsonNode request, String id) {
    ObjectNode c = header(request, id, "chat.completion.chunk");
    c.putArray("choices");
    return c;
  }

  private void usage(ObjectNode target, JsonNode request, int completionTokens) {
    ObjectNode usage = target.putObject("usage");
    int p = promptTokens(request);
    usage.put("prompt_tokens", p);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", p + completionTokens);
  }

  /**
   * Adds the last chunk and [DONE]. With {@code stream_options.include_usage} the usage follows in
   * a chunk of its own with no choices, as OpenAI sends it; otherwise it rides on the last chunk.
   */
  private void finish(List<String> out, ObjectNode last, JsonNode request, int completionTokens) {
    if (request.path("stream_options").path("include_usage").asBoolean(false)) {
      out.add(last.toString());
      ObjectNode usageChunk = chunk(request, last.get("id").asText());
      usage(usageChunk, request, completionTokens);
      out.add(usageChunk.toString());
    } else {
      usage(last, request, completionTokens);
      out.add(last.toString());
    }
    out.add("[DONE]");
  }

  /** The SSE {@code data:} payloads of a streamed reply, one word per chunk, then [DONE]. */
  public List<String> chunks(JsonNode request, String reply) {
    String id = "chatcmpl-" + ids.incrementAndGet();
    List<String> out = new ArrayList<>();
    String[] parts = reply.split("(?<= )");
    for (int i = 0; i < parts.length; i++) {
      ObjectNode chunk = chunk(request, id);
      ObjectNode c = chunk.withArrayProperty("choices").addObject();
      c.put("index", 0);
      ObjectNode delta = c.putObject("delta");
      if (i == 0) {
        delta.put("role", "assistant");
      }
      delta.put("content", parts[i]);
      if (i == parts.length - 1) {
        c.put("finish_reason", "stop");
        finish(out, chunk, request, words(reply));
      } else {
        c.putNull("finish_reason");
        out.add(chunk.toString());
      }
    }
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
