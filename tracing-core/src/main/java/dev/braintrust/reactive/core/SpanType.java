package dev.braintrust.reactive.core;

/** The kind of work a span records, sent as {@code span_attributes.type}. */
public enum SpanType {
  /** A call to a language model. */
  LLM("llm"),
  /** A unit of application work; the default. */
  TASK("task"),
  /** A tool invoked by a model or agent. */
  TOOL("tool"),
  /** A scorer run. */
  SCORE("score"),
  /** An evaluation case. */
  EVAL("eval"),
  /** A Braintrust function invocation. */
  FUNCTION("function");

  private final String wireName;

  SpanType(String wireName) {
    this.wireName = wireName;
  }

  /**
   * The lower-case name Braintrust expects on the wire.
   *
   * @return the lower-case name Braintrust expects on the wire
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Looks up a type by its wire name, case-insensitively.
   *
   * @param name the wire name
   * @return the type
   * @throws IllegalArgumentException when the name is not one of the known types
   */
  public static SpanType fromWireName(String name) {
    for (SpanType t : values()) {
      if (t.wireName.equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown span type '" + name + "'; expected one of llm, task, tool, score, eval, function");
  }
}
