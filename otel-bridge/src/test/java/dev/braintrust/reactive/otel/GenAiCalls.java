package dev.braintrust.reactive.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.List;

/**
 * What a GenAI instrumentation records, in the current conventions, for each OpenAI case's call and
 * canned response: the request and response models, the provider, the usage, and the messages in
 * the GenAI message schema (JSON text of {@code [{role, parts: [...]}]}).
 */
final class GenAiCalls {
  private GenAiCalls() {}

  static void describe(String name, SpanBuilder b) {
    b.setAttribute("gen_ai.provider.name", "openai");
    switch (name) {
      case "completions" -> {
        b.setAttribute("gen_ai.request.model", "gpt-4o-mini");
        b.setAttribute("gen_ai.request.temperature", 0.0);
        b.setAttribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18");
        usage(b, 23, 7);
        b.setAttribute("gen_ai.usage.cache_read.input_tokens", 0L);
        b.setAttribute(
            "gen_ai.input.messages",
            "["
                + text("system", "you are a helpful assistant")
                + ","
                + text("user", "What is the capital of France?")
                + "]");
        b.setAttribute(
            "gen_ai.output.messages",
            "[{\"role\":\"assistant\",\"finish_reason\":\"stop\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"The capital of France is Paris.\"}]}]");
      }
      case "streaming" -> {
        b.setAttribute("gen_ai.request.model", "gpt-4o-mini");
        b.setAttribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18");
        b.setAttribute("gen_ai.response.time_to_first_chunk", 0.21);
        usage(b, 26, 20);
        b.setAttribute("gen_ai.usage.cache_read.input_tokens", 0L);
        b.setAttribute(
            "gen_ai.input.messages",
            "["
                + text("system", "you are a thoughtful assistant")
                + ","
                + text("user", "Count from 1 to 10 slowly.")
                + "]");
        b.setAttribute(
            "gen_ai.output.messages",
            "[{\"role\":\"assistant\",\"finish_reason\":\"stop\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"1... 2... 3... 4... 5... 6... 7... 8... 9... 10.\"}]}]");
      }
      case "tools" -> {
        b.setAttribute("gen_ai.request.model", "gpt-4o");
        b.setAttribute("gen_ai.response.model", "gpt-4o-2024-08-06");
        b.setAttribute(
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("tool_calls"));
        usage(b, 80, 17);
        b.setAttribute(
            "gen_ai.input.messages",
            "[" + text("user", "What is the weather like in Paris, France?") + "]");
        b.setAttribute(
            "gen_ai.output.messages",
            "[{\"role\":\"assistant\",\"finish_reason\":\"tool_call\",\"parts\":[{\"type\":"
                + "\"tool_call\",\"id\":\"call_conf_1\",\"name\":\"get_weather\",\"arguments\":"
                + "{\"location\":\"Paris, France\"}}]}]");
      }
      case "attachments" -> {
        // The case's image and PDF as GenAI blob parts (their base64 as the case has it).
        b.setAttribute("gen_ai.request.model", "gpt-4o");
        b.setAttribute("gen_ai.response.model", "gpt-4o-2024-08-06");
        usage(b, 1120, 14);
        b.setAttribute(
            "gen_ai.input.messages",
            "["
                + text("system", "you are a helpful assistant")
                + ",{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":"
                + "\"Briefly describe these attachments\"},"
                + blob("image", "image/png", PIXEL)
                + ","
                + blob("document", "application/pdf", PDF)
                + "]}]");
        b.setAttribute(
            "gen_ai.output.messages",
            "[{\"role\":\"assistant\",\"finish_reason\":\"stop\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"A red pixel and a blank page.\"}]}]");
      }
      default -> throw new IllegalArgumentException("no GenAI span written for case " + name);
    }
  }

  static final String PIXEL =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
  static final String PDF =
      "JVBERi0xLjAKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA2MTIgNzkyXSA+PgplbmRvYmoKeHJlZgowIDQKMDAwMDAwMDAwMCA2NTUzNSBmIAowMDAwMDAwMDA5IDAwMDAwIG4gCjAwMDAwMDAwNTggMDAwMDAgbiAKMDAwMDAwMDExNSAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDQgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjE5MAolJUVPRgo=";

  private static String blob(String modality, String mime, String base64) {
    return "{\"type\":\"blob\",\"modality\":\""
        + modality
        + "\",\"mime_type\":\""
        + mime
        + "\",\"content\":\""
        + base64
        + "\"}";
  }

  private static void usage(SpanBuilder b, long input, long output) {
    b.setAttribute("gen_ai.usage.input_tokens", input);
    b.setAttribute("gen_ai.usage.output_tokens", output);
  }

  private static String text(String role, String content) {
    return "{\"role\":\""
        + role
        + "\",\"parts\":[{\"type\":\"text\",\"content\":\""
        + content
        + "\"}]}";
  }
}
