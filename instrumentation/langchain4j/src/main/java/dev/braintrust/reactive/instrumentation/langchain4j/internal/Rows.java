package dev.braintrust.reactive.instrumentation.langchain4j.internal;

import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.PromptMetadata;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentConverter;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.core.internal.LlmMetadata;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.audio.Audio;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.PdfFileContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.pdf.PdfFile;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j requests and responses as the rows the OpenAI wrapper and the AI proxy write, so
 * spans look the same whichever client made the call: OpenAI-format messages as the input, the
 * parameters (and tools) as metadata, the reply as a list of choices, token counts as metrics.
 */
final class Rows {
  private static final LibraryLog LOG = LibraryLog.get(Rows.class);

  private Rows() {}

  /**
   * Input, model and parameters of a chat request. Metadata is the guide's allowlist only: model,
   * provider, the sampling parameters it names, tools and tool choice; nothing else the request
   * carries.
   */
  static Log.Builder request(ChatRequest request, @Nullable String provider) {
    Log.Builder b = Log.builder().input(messages(request.messages()));
    put(b, "provider", provider);
    ChatRequestParameters p = request.parameters();
    if (p == null) {
      return b;
    }
    LlmMetadata.putSampling(
        b,
        p.modelName(),
        p.temperature(),
        p.topP(),
        p.maxOutputTokens(),
        p.frequencyPenalty(),
        p.presencePenalty(),
        p.stopSequences());
    if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
      b.metadata("tools", tools(p.toolSpecifications()));
    }
    if (p.toolChoice() != null) {
      b.metadata("tool_choice", p.toolChoice().name().toLowerCase(Locale.ROOT));
    }
    if (p.responseFormat() != null && p.responseFormat().type() != null) {
      b.metadata(
          "response_format",
          Map.of("type", p.responseFormat().type().name().toLowerCase(Locale.ROOT)));
    }
    return b;
  }

  /**
   * The provider whose pricing applies, as Braintrust names it ({@code openai}, {@code anthropic},
   * ...). A model that reports none (or {@code OTHER}) is named from its class when that says which
   * provider it calls, so custom and older models still get a provider.
   */
  static @Nullable String provider(@Nullable ModelProvider provider, @Nullable Object model) {
    if (provider != null && provider != ModelProvider.OTHER) {
      switch (provider) {
        case OPEN_AI:
          return "openai";
        case AZURE_OPEN_AI:
          return "azure";
        case AMAZON_BEDROCK:
          return "bedrock";
        case GOOGLE_AI_GEMINI:
        case GOOGLE_GENAI:
          return "google";
        case GOOGLE_VERTEX_AI_GEMINI:
        case GOOGLE_VERTEX_AI_ANTHROPIC:
          return "vertex";
        case MISTRAL_AI:
          return "mistral";
        default:
          return provider.name().toLowerCase(Locale.ROOT);
      }
    }
    if (model == null) {
      return null;
    }
    String type = model.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    for (String[] known : KNOWN_CLASSES) {
      if (type.contains(known[0])) {
        return known[1];
      }
    }
    return null;
  }

  // Class-name fragments of LangChain4j's model implementations and the provider each one calls.
  private static final String[][] KNOWN_CLASSES = {
    {"azureopenai", "azure"},
    {"openai", "openai"},
    {"anthropic", "anthropic"},
    {"bedrock", "bedrock"},
    {"vertex", "vertex"},
    {"gemini", "google"},
    {"mistral", "mistral"},
    {"ollama", "ollama"}
  };

  /**
   * The {@link PromptMetadata} attached on this thread as {@code metadata.prompt}, logged after the
   * request so none of its fields can overwrite it.
   */
  static void prompt(CallSpan span) {
    PromptMetadata prompt = PromptMetadata.current();
    if (prompt != null) {
      span.log(Log.builder().metadata("prompt", prompt.toMap()));
    }
  }

  private static void put(Log.Builder b, String key, @Nullable Object value) {
    if (value != null) {
      b.metadata(key, value);
    }
  }

  static List<Map<String, Object>> messages(List<ChatMessage> messages) {
    List<Map<String, Object>> out = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      out.add(message(m));
    }
    return out;
  }

  private static Map<String, Object> message(ChatMessage m) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (m instanceof SystemMessage) {
      out.put("role", "system");
      out.put("content", ((SystemMessage) m).text());
    } else if (m instanceof UserMessage) {
      UserMessage u = (UserMessage) m;
      out.put("role", "user");
      out.put("content", u.hasSingleText() ? u.singleText() : parts(u.contents()));
      if (u.name() != null) {
        out.put("name", u.name());
      }
    } else if (m instanceof AiMessage) {
      return assistant((AiMessage) m);
    } else if (m instanceof ToolExecutionResultMessage) {
      ToolExecutionResultMessage t = (ToolExecutionResultMessage) m;
      out.put("role", "tool");
      out.put("tool_call_id", t.id());
      out.put("name", t.toolName());
      out.put("content", t.text());
    } else {
      // Custom messages: their type and text form, rather than nothing.
      out.put("role", m.type().name().toLowerCase(Locale.ROOT));
      out.put("content", m.toString());
    }
    return out;
  }

  private static List<Map<String, Object>> parts(List<Content> contents) {
    List<Map<String, Object>> out = new ArrayList<>(contents.size());
    for (Content c : contents) {
      Map<String, Object> part = new LinkedHashMap<>();
      if (c instanceof TextContent) {
        part.put("type", "text");
        part.put("text", ((TextContent) c).text());
      } else if (c instanceof ImageContent i) {
        Object url =
            media(i.image().url(), i.image().base64Data(), i.image().mimeType(), "image/png");
        part.put("type", "image_url");
        part.put("image_url", url == null ? Map.of() : Map.of("url", url));
      } else if (c instanceof PdfFileContent p) {
        PdfFile f = p.pdfFile();
        Object data = media(f.url(), f.base64Data(), f.mimeType(), "application/pdf");
        part.put("type", "file");
        part.put("file", data == null ? Map.of() : Map.of("file_data", data));
      } else if (c instanceof AudioContent a) {
        Audio au = a.audio();
        String base64 = au.base64Data();
        if (base64 == null && au.binaryData() != null) {
          base64 = java.util.Base64.getEncoder().encodeToString(au.binaryData());
        }
        Object data = media(au.url(), base64, au.mimeType(), "audio/wav");
        String ct = au.mimeType() != null ? au.mimeType() : "audio/wav";
        part.put("type", "input_audio");
        Map<String, Object> audio = new LinkedHashMap<>();
        if (data != null) {
          audio.put("data", data);
        }
        audio.put("format", ct.substring(ct.indexOf('/') + 1));
        part.put("input_audio", audio);
      } else {
        // Inline media would bloat the row: its type says what it was.
        part.put("type", c.type().name().toLowerCase(Locale.ROOT));
      }
      out.add(part);
    }
    return out;
  }

  /**
   * A medium's URL as it is, or its inline base64 as an attachment (uploaded, kept out of the row;
   * with conversion off, as a data URI), or null if it has neither.
   */
  private static @Nullable Object media(
      java.net.@Nullable URI url, @Nullable String base64, @Nullable String mime, String orElse) {
    if (url != null) {
      return url.toString();
    }
    if (base64 == null) {
      return null;
    }
    String ct = mime != null && !mime.isBlank() ? mime : orElse;
    if (!AttachmentConverter.enabled()) {
      return "data:" + ct + ";base64," + base64;
    }
    return Attachment.ofBase64(base64, ct);
  }

  static Map<String, Object> assistant(AiMessage m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("role", "assistant");
    out.put("content", m.text());
    if (m.thinking() != null) {
      out.put("reasoning", m.thinking());
    }
    if (m.hasToolExecutionRequests()) {
      List<Map<String, Object>> calls = new ArrayList<>();
      for (ToolExecutionRequest t : m.toolExecutionRequests()) {
        Map<String, Object> call = new LinkedHashMap<>();
        if (t.id() != null) {
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

  private static List<Map<String, Object>> tools(List<ToolSpecification> specs) {
    List<Map<String, Object>> out = new ArrayList<>(specs.size());
    for (ToolSpecification s : specs) {
      Map<String, Object> function = new LinkedHashMap<>();
      function.put("name", s.name());
      if (s.description() != null) {
        function.put("description", s.description());
      }
      if (s.parameters() != null) {
        function.put("parameters", JsonSchemaElementUtils.toMap(s.parameters()));
      }
      Map<String, Object> tool = new LinkedHashMap<>();
      tool.put("type", "function");
      tool.put("function", function);
      out.add(tool);
    }
    return out;
  }

  /** The reply as one choice, with its token counts. */
  static Log.Builder response(ChatResponse response) {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put(
        "message",
        response.aiMessage() == null
            ? Map.of("role", "assistant")
            : assistant(response.aiMessage()));
    choice.put("finish_reason", finishReason(response.finishReason()));
    Log.Builder b = Log.builder().output(List.of(choice));
    // The model the provider says answered (a dated version of an alias) replaces the requested
    // one: it is the one whose price applies.
    if (response.modelName() != null && !response.modelName().isEmpty()) {
      b.metadata("model", response.modelName());
    }
    usage(b, response.tokenUsage(), true);
    return b;
  }

  /** The same, or null (logged) if the response can't be read: the span still ends. */
  static Log.@Nullable Builder responseOrNull(ChatResponse response) {
    try {
      return response(response);
    } catch (RuntimeException e) {
      LOG.warn("could not read a chat response for its span: {}", e.toString());
      return null;
    }
  }

  /** A reply cut short: what arrived so far. */
  static Log.Builder partial(String text) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", text);
    Map<String, @Nullable Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("message", message);
    choice.put("finish_reason", null);
    return Log.builder().output(List.of(choice));
  }

  private static @Nullable String finishReason(@Nullable FinishReason r) {
    if (r == null) {
      return null;
    }
    switch (r) {
      case TOOL_EXECUTION:
        return "tool_calls";
      default:
        return r.name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * {@code prompt_tokens}, {@code completion_tokens} (chat only), {@code tokens}, and provider
   * details.
   */
  static void usage(Log.Builder b, @Nullable TokenUsage u, boolean completion) {
    if (u == null) {
      return;
    }
    if (u.inputTokenCount() != null) {
      b.metric("prompt_tokens", u.inputTokenCount());
    }
    if (completion && u.outputTokenCount() != null) {
      b.metric("completion_tokens", u.outputTokenCount());
    }
    if (u.totalTokenCount() != null) {
      b.metric("tokens", u.totalTokenCount());
    }
    TokenDetails.record(b, u);
  }
}
