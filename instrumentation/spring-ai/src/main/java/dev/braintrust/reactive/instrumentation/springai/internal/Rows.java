package dev.braintrust.reactive.instrumentation.springai.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.internal.LazyJson;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.core.internal.LlmMetadata;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * Spring AI prompts and responses as the rows the OpenAI wrapper and the AI proxy write, whichever
 * provider Spring AI called: OpenAI-format messages as the input, the guide's allowlisted options
 * (and tools) as metadata, the generations as a list of choices, token counts as metrics.
 */
final class Rows {
  private static final LibraryLog LOG = LibraryLog.get(Rows.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Rows() {}

  /**
   * Input, model and options of a chat call. Metadata is the guide's allowlist only: model,
   * provider, the sampling options it names, tools; nothing else the options carry (tool context,
   * for one, may hold application secrets).
   */
  static Log.Builder request(Prompt prompt, @Nullable String provider) {
    Log.Builder b = Log.builder().input(input(prompt.getInstructions()));
    put(b, "provider", provider);
    ChatOptions o = prompt.getOptions();
    if (o == null) {
      return b;
    }
    LlmMetadata.putSampling(
        b,
        o.getModel(),
        o.getTemperature(),
        o.getTopP(),
        o.getMaxTokens(),
        o.getFrequencyPenalty(),
        o.getPresencePenalty(),
        o.getStopSequences());
    if (o instanceof ToolCallingChatOptions) {
      List<Map<String, Object>> tools = tools((ToolCallingChatOptions) o);
      if (!tools.isEmpty()) {
        b.metadata("tools", tools);
      }
    }
    return b;
  }

  /** Input, model and dimensions of an embeddings call, in the spec's canonical shape. */
  static Log.Builder request(EmbeddingRequest request, @Nullable String provider) {
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (String text : request.getInstructions()) {
      inputs.add(Map.of("content", text));
    }
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("inputs", inputs);
    EmbeddingOptions o = request.getOptions();
    if (o != null && o.getDimensions() != null) {
      input.put("output_dimensions", o.getDimensions());
    }
    Log.Builder b = Log.builder().input(input);
    put(b, "provider", provider);
    if (o != null) {
      put(b, "model", o.getModel());
    }
    return b;
  }

  /**
   * The provider as Braintrust names it, from Spring AI's name for it ({@code azure_openai}, {@code
   * bedrock_converse}, ...).
   */
  static @Nullable String provider(@Nullable String springName) {
    if (springName == null || springName.isEmpty()) {
      return null;
    }
    String p = springName.toLowerCase(Locale.ROOT);
    if (p.startsWith("azure")) {
      return "azure";
    } else if (p.startsWith("bedrock")) {
      return "bedrock";
    } else if (p.startsWith("vertex")) {
      return "vertex";
    } else if (p.startsWith("google")) {
      return "google";
    } else if (p.startsWith("mistral")) {
      return "mistral";
    }
    return p;
  }

  /**
   * The messages as the row's input, in OpenAI's shape, built when the row is encoded rather than
   * on the caller's thread. The messages are immutable values; the list may be the caller's own
   * (chat memory grows one), so the input keeps a copy of it (none when it is already immutable). A
   * user message with media is the exception: the input is built now, so the exporter finds its
   * inline data and uploads it as attachments.
   */
  static Object input(List<Message> messages) {
    for (Message m : messages) {
      if (m instanceof UserMessage && !((UserMessage) m).getMedia().isEmpty()) {
        return messages(messages);
      }
    }
    List<Message> copy = List.copyOf(messages);
    return LazyJson.ofValue(() -> messages(copy));
  }

  static List<Map<String, Object>> messages(List<Message> messages) {
    List<Map<String, Object>> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      if (m instanceof ToolResponseMessage) {
        // One OpenAI tool message per result, as the provider received them.
        for (ToolResponseMessage.ToolResponse r : ((ToolResponseMessage) m).getResponses()) {
          Map<String, Object> t = new LinkedHashMap<>();
          t.put("role", "tool");
          t.put("tool_call_id", r.id());
          t.put("name", r.name());
          t.put("content", r.responseData());
          out.add(t);
        }
      } else if (m instanceof AssistantMessage) {
        out.add(assistant((AssistantMessage) m));
      } else {
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("role", m.getMessageType().getValue());
        if (m instanceof UserMessage && !((UserMessage) m).getMedia().isEmpty()) {
          msg.put("content", parts(m.getText(), ((UserMessage) m).getMedia()));
        } else {
          msg.put("content", m.getText());
        }
        out.add(msg);
      }
    }
    return out;
  }

  // Media in OpenAI's content-part shape (images as image_url, other files as file data URLs), so
  // the attachment converter can replace inline data the way it does for the OpenAI wrapper.
  private static List<Map<String, Object>> parts(@Nullable String text, List<Media> media) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (text != null && !text.isEmpty()) {
      out.add(Map.of("type", "text", "text", text));
    }
    for (Media m : media) {
      String mime =
          m.getMimeType() == null ? "application/octet-stream" : m.getMimeType().toString();
      Object data = m.getData();
      String url =
          data instanceof byte[]
              ? "data:" + mime + ";base64," + Base64.getEncoder().encodeToString((byte[]) data)
              : String.valueOf(data);
      if (mime.startsWith("image/")) {
        out.add(Map.of("type", "image_url", "image_url", Map.of("url", url)));
      } else {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("file_data", url);
        if (m.getName() != null) {
          file.put("filename", m.getName());
        }
        out.add(Map.of("type", "file", "file", file));
      }
    }
    return out;
  }

  static Map<String, Object> assistant(AssistantMessage m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("role", "assistant");
    out.put("content", m.getText());
    if (m.hasToolCalls()) {
      List<Map<String, Object>> calls = new ArrayList<>();
      for (AssistantMessage.ToolCall t : m.getToolCalls()) {
        Map<String, Object> call = new LinkedHashMap<>();
        if (t.id() != null && !t.id().isEmpty()) {
          call.put("id", t.id());
        }
        call.put("type", "function");
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", t.name());
        function.put("arguments", t.arguments());
        call.put("function", function);
        calls.add(call);
      }
      out.put("tool_calls", calls);
    }
    return out;
  }

  private static List<Map<String, Object>> tools(ToolCallingChatOptions o) {
    List<Map<String, Object>> out = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    if (o.getToolCallbacks() != null) {
      for (ToolCallback c : o.getToolCallbacks()) {
        ToolDefinition d = c.getToolDefinition();
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", d.name());
        if (d.description() != null && !d.description().isEmpty()) {
          function.put("description", d.description());
        }
        Object schema = schema(d.inputSchema());
        if (schema != null) {
          function.put("parameters", schema);
        }
        out.add(Map.of("type", "function", "function", function));
        seen.add(d.name());
      }
    }
    // Tools named only (resolved by Spring AI from beans): their names are all the prompt holds.
    try {
      if (o.getToolNames() != null) {
        for (String name : o.getToolNames()) {
          if (!seen.contains(name)) {
            out.add(Map.of("type", "function", "function", Map.of("name", name)));
          }
        }
      }
    } catch (LinkageError e) {
      // Spring AI 2.0 dropped tool names from the options: the callbacks are all there is.
    }
    return out;
  }

  private static @Nullable Object schema(@Nullable String json) {
    if (json == null || json.isEmpty()) {
      return null;
    }
    try {
      return JSON.readValue(json, Object.class);
    } catch (Exception e) {
      return json; // not JSON after all: the text is still worth having
    }
  }

  /**
   * The generations as choices, the model that answered, and the token counts, added to {@code b},
   * with the provider's usage object a stream's last chunk carried, if any. The choices are built
   * when the row is encoded, from the response's generations (an immutable list of immutable
   * values); the model and token counts are read now.
   */
  static Log.Builder response(Log.Builder b, ChatResponse response, @Nullable Object nativeUsage) {
    List<Generation> results = response.getResults();
    b.output(LazyJson.ofValue(() -> choices(results)));
    ChatResponseMetadata meta = response.getMetadata();
    if (meta != null) {
      // The model the provider says answered (a dated version of an alias) replaces the requested
      // one: it is the one whose price applies.
      if (meta.getModel() != null && !meta.getModel().isEmpty()) {
        b.metadata("model", meta.getModel());
      }
      Usage.record(b, meta.getUsage(), true, nativeUsage);
    }
    return b;
  }

  private static List<Map<String, @Nullable Object>> choices(List<Generation> results) {
    List<Map<String, @Nullable Object>> choices = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      Generation g = results.get(i);
      Map<String, @Nullable Object> choice = new LinkedHashMap<>();
      choice.put("index", i);
      choice.put(
          "message",
          g.getOutput() == null ? Map.of("role", "assistant") : assistant(g.getOutput()));
      choice.put("finish_reason", finishReason(g));
      choices.add(choice);
    }
    return choices;
  }

  /**
   * {@link #response(Log.Builder, ChatResponse, Object)}, logging instead of throwing if the
   * response can't be read (the span still ends, with what {@code b} holds).
   */
  static Log.Builder responseOrLogged(
      Log.Builder b, ChatResponse response, @Nullable Object nativeUsage) {
    try {
      return response(b, response, nativeUsage);
    } catch (RuntimeException e) {
      LOG.warn("could not read a Spring AI chat response for its span: {}", e.toString());
      return b;
    }
  }

  /** The number of vectors (never the vectors), the model and the tokens, added to {@code b}. */
  static Log.Builder response(Log.Builder b, EmbeddingResponse response) {
    b.output(Map.of("count", response.getResults().size()));
    if (response.getMetadata() != null) {
      String model = response.getMetadata().getModel();
      if (model != null && !model.isEmpty()) {
        b.metadata("model", model);
      }
      Usage.record(b, response.getMetadata().getUsage(), false);
    }
    return b;
  }

  /** A reply cut short by the caller: the text that arrived so far, added to {@code b}. */
  static Log.Builder partial(Log.Builder b, String text) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", text);
    Map<String, @Nullable Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("message", message);
    choice.put("finish_reason", null);
    return b.output(List.of(choice));
  }

  // Providers' reasons as OpenAI spells them (Spring AI's OpenAI model upper-cases them).
  private static @Nullable String finishReason(Generation g) {
    String r = g.getMetadata() == null ? null : g.getMetadata().getFinishReason();
    return r == null || r.isEmpty() ? null : r.toLowerCase(Locale.ROOT);
  }

  private static void put(Log.Builder b, String key, @Nullable Object value) {
    if (value != null) {
      b.metadata(key, value);
    }
  }
}
