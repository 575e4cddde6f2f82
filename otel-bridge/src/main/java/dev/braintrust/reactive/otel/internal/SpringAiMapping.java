package dev.braintrust.reactive.otel.internal;

/**
 * Spring AI's own observation keys, on top of the {@code gen_ai.*} ones it shares with the
 * conventions: {@code spring.ai.kind} types the framework spans ({@code chat_client} and {@code
 * advisor} are tasks, {@code tool_call} a tool, {@code vector_store} a function), and a tool call's
 * {@code spring.ai.tool.call.arguments} and {@code result} (sent with {@code
 * spring.ai.tools.observations.include-content}) are its input and output.
 */
final class SpringAiMapping {
  private SpringAiMapping() {}

  static void apply(SpanRow row) {
    Object kind = row.get("spring.ai.kind");
    if (kind != null) {
      switch (String.valueOf(kind)) {
        case "chat_client":
        case "advisor":
          row.type("task");
          break;
        case "tool_call":
          row.type("tool");
          break;
        case "vector_store":
          row.type("function");
          break;
        default:
          break;
      }
    }
    Object args = row.take("spring.ai.tool.call.arguments");
    if (args != null) {
      row.input(AttrValues.rowValue(args));
    }
    Object result = row.take("spring.ai.tool.call.result");
    if (result != null) {
      row.output(AttrValues.rowValue(result));
    }
  }
}
