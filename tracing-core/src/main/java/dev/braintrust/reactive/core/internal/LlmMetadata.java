package dev.braintrust.reactive.core.internal;

import java.util.List;

/**
 * The request fields Braintrust's instrumentation guide lets into an OpenAI-shaped chat call's
 * {@code metadata}, besides {@code model} and {@code provider}: its explicit allowlist, shared by
 * every module that writes such rows (the OpenAI wrapper, the AI proxy) so they cannot drift apart.
 */
public final class LlmMetadata {
  /** The sampling parameters the guide names, and the tool definitions and controls. */
  public static final List<String> CHAT_REQUEST_PARAMETERS =
      List.of(
          "temperature",
          "top_p",
          "max_tokens",
          "frequency_penalty",
          "presence_penalty",
          "stop",
          "response_format",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "max_tool_calls");

  private LlmMetadata() {}
}
