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

  /** Whether any convention mapping may find something in this span. */
  boolean mayMap() {
    if (!events.isEmpty()) {
      return true;
    }
    for (String key : attrs.keySet()) {
      if (mapped(key)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a convention mapping may read the attribute {@code key}. */
  static boolean mapped(String key) {
    if (key.equals(MAPPED_KEY)) {
      return true;
    }
    for (String prefix : MAPPED_PREFIXES) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Runs the convention mappings, least specific first: each overwrites what those before set. */
  void map() {
    if (!mayMap()) {
      return;
    }
    LegacyGenAiMapping.apply(this);
    OpenInferenceMapping.apply(this);
    GenAiLatestMapping.apply(this);
    SpringAiMapping.apply(this);
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
