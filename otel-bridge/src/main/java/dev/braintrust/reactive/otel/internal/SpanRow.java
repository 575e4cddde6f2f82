package dev.braintrust.reactive.otel.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the convention mappings make of one span. They run from the least to the most specific
 * convention and each overwrites what it sets, so the most specific convention present wins field
 * by field. Attributes a mapping reads into a field are marked consumed and left out of the row's
 * metadata, so a prompt is stored once, as the input.
 */
final class SpanRow {
  final Map<String, Object> attrs;
  final List<GenAiEvent> events;
  final Set<String> consumed = new HashSet<>();
  final Map<String, Object> metadata = new TreeMap<>();
  final Map<String, Number> metrics = new LinkedHashMap<>();
  final List<String> tags = new ArrayList<>();
  @Nullable Object input;
  @Nullable Object output;
  boolean hasInput;
  boolean hasOutput;
  @Nullable String type;
  boolean ai;

  SpanRow(Map<String, Object> attrs, List<GenAiEvent> events) {
    this.attrs = attrs;
    this.events = events;
  }

  /**
   * Where every attribute a convention mapping reads lives: a span with none of these and no GenAI
   * events (an HTTP or database span, most of what an agent records) is left alone by all of them,
   * so they are not run for it. {@code SpanRowTest} checks the mappings change nothing then.
   */
  static final String[] MAPPED_PREFIXES = {
    "gen_ai.",
    "llm.",
    "input.",
    "output.",
    "embedding.",
    "retrieval.",
    "openinference.",
    "tag.",
    "spring.ai."
  };

  /** The one attribute a mapping reads outside {@link #MAPPED_PREFIXES}: OpenInference's. */
  static final String MAPPED_KEY = "metadata";

  /** Attributes the GenAI mappings (legacy and latest) read: {@code gen_ai.*}. */
  static final int GEN_AI = 1;

  /** Attributes the OpenInference mapping reads (every other prefix, and {@link #MAPPED_KEY}). */
  static final int OPEN_INFERENCE = 2;

  /** Attributes the Spring AI mapping reads: {@code spring.ai.*}. */
  static final int SPRING_AI = 4;

  /** Whether any convention mapping may find something in this span. */
  boolean mayMap() {
    return !events.isEmpty() || families() != 0;
  }

  /** The conventions whose attributes this span has, as {@link #GEN_AI}-style bits. */
  int families() {
    int f = 0;
    for (String key : attrs.keySet()) {
      f |= family(key);
    }
    return f;
  }

  /**
   * Whether the mapper reads the attribute {@code key} into a field (a convention mapping's, or an
   * explicit {@code braintrust.*} one) rather than sending it as metadata as it is.
   */
  static boolean readByMapper(String key) {
    return family(key) != 0 || key.startsWith("braintrust.");
  }

  /**
   * The convention that may read the attribute {@code key}, or 0. Dispatched on the first
   * character: every span's every key comes through here, most of them read by no mapping.
   */
  static int family(String key) {
    if (key.isEmpty()) {
      return 0;
    }
    switch (key.charAt(0)) {
      case 'g':
        return key.startsWith("gen_ai.") ? GEN_AI : 0;
      case 's':
        return key.startsWith("spring.ai.") ? SPRING_AI : 0;
      case 'l':
        return key.startsWith("llm.") ? OPEN_INFERENCE : 0;
      case 'i':
        return key.startsWith("input.") ? OPEN_INFERENCE : 0;
      case 'o':
        return key.startsWith("output.") || key.startsWith("openinference.") ? OPEN_INFERENCE : 0;
      case 'e':
        return key.startsWith("embedding.") ? OPEN_INFERENCE : 0;
      case 'r':
        return key.startsWith("retrieval.") ? OPEN_INFERENCE : 0;
      case 't':
        return key.startsWith("tag.") ? OPEN_INFERENCE : 0;
      case 'm':
        return key.equals(MAPPED_KEY) ? OPEN_INFERENCE : 0;
      default:
        return 0;
    }
  }

  /**
   * Runs the convention mappings, least specific first: each overwrites what those before set. A
   * mapping none of whose attributes the span has (and, for the GenAI ones, no GenAI events) would
   * find nothing, so it is not run: {@code SpanRowTest} checks each changes nothing then.
   */
  void map() {
    int f = families();
    boolean genAi = (f & GEN_AI) != 0 || !events.isEmpty();
    if (genAi) {
      LegacyGenAiMapping.apply(this);
    }
    if ((f & OPEN_INFERENCE) != 0) {
      OpenInferenceMapping.apply(this);
    }
    if (genAi) {
      GenAiLatestMapping.apply(this);
    }
    if ((f & SPRING_AI) != 0) {
      SpringAiMapping.apply(this);
    }
  }

  @Nullable Object get(String key) {
    return attrs.get(key);
  }

  /** The attribute's value, marking it consumed if present. */
  @Nullable Object take(String key) {
    Object v = attrs.get(key);
    if (v != null) {
      consumed.add(key);
    }
    return v;
  }

  /** Marks every {@code prefix.N.*} attribute consumed. */
  void takeIndexed(String prefix) {
    for (String k : attrs.keySet()) {
      if (AttrValues.isIndexed(k, prefix)) {
        consumed.add(k);
      }
    }
  }

  void input(Object value) {
    input = value;
    hasInput = true;
    ai = true;
  }

  void output(Object value) {
    output = value;
    hasOutput = true;
    ai = true;
  }

  void type(String t) {
    type = t;
    ai = true;
  }

  /** Sets a metric from a number or numeric text; anything else is ignored. */
  void metric(String name, @Nullable Object value) {
    Number n = AttrValues.number(value);
    if (n != null) {
      metrics.put(name, n);
    }
  }

  /** Reads {@code key} into metric {@code name}, consuming it when it is a number. */
  void metricFrom(String key, String name) {
    Object v = attrs.get(key);
    if (v != null && AttrValues.number(v) != null) {
      consumed.add(key);
      metric(name, v);
    }
  }

  /** Reads {@code key} into metadata {@code name}, consuming it. */
  void metadataFrom(String key, String name) {
    Object v = take(key);
    if (v != null) {
      metadata.put(name, AttrValues.plain(v));
    }
  }

  /** The events with this name, in order. */
  List<GenAiEvent> events(String name) {
    // Most spans have none: a stream per lookup was a measurable share of mapping them.
    if (events.isEmpty()) {
      return List.of();
    }
    return events.stream().filter(e -> e.name().equals(name)).toList();
  }
}
