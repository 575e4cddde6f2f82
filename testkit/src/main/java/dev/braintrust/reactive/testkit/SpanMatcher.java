package dev.braintrust.reactive.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Matches stored rows against expected span shapes with the rules of Braintrust's cross-SDK span
 * tests ({@code test/IMPLEMENTATION-GUIDE.md} of {@code braintrust-spec}): expected objects match
 * when every expected key matches (extra actual keys are ignored), expected lists when the actual
 * list is at least as long and matches pairwise, a one-element expected list also matches a single
 * actual object, {@code null} matches anything, and scalars compare equal.
 *
 * <p>The spec's YAML tags are written in JSON as one-key objects:
 *
 * <ul>
 *   <li>{@code {"!fn": "is_non_negative_number"}}: a named predicate ({@code
 *       is_non_negative_number}, {@code is_positive_number}, {@code is_non_empty_string}, {@code
 *       undefined_or_null}, {@code is_reasoning_message}); {@code lambda value: "X" in value}
 *       checks that the value contains {@code X}; any other expression only that the value is
 *       present and not empty, as the guide allows for languages that cannot evaluate it.
 *   <li>{@code {"!starts_with": "gpt-4o"}}: a string with this prefix.
 *   <li>{@code {"!or": [a, b]}}: matches when any alternative matches.
 * </ul>
 */
public final class SpanMatcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CONTAINS = Pattern.compile("lambda \\w+: \"(.*)\" in \\w+");

  private SpanMatcher() {}

  /**
   * Every place {@code actual} does not match {@code expected}, each naming its path, the expected
   * and the actual value; empty when it matches.
   *
   * @param actual the stored value
   * @param expected the expected shape
   * @return the mismatches, empty when it matches
   */
  public static List<String> mismatches(JsonNode actual, JsonNode expected) {
    List<String> errors = new ArrayList<>();
    match("", actual, expected, errors);
    return errors;
  }

  /**
   * Checks {@code rows} (as stored) against {@code expectedSpans}: the {@code llm} rows, in start
   * order, pairwise against the expected spans (extra rows are allowed). Throws an {@link
   * AssertionError} listing every mismatch and the rows when any span does not match.
   *
   * @param what names the case in the message
   * @param rows the stored rows
   * @param expectedSpans the expected spans, an array
   */
  public static void assertSpans(
      String what, List<? extends JsonNode> rows, JsonNode expectedSpans) {
    List<JsonNode> llm = new ArrayList<>();
    for (JsonNode r : rows) {
      if ("llm".equals(r.path("span_attributes").path("type").asText())) {
        llm.add(r);
      }
    }
    llm.sort(Comparator.comparingDouble(r -> r.path("metrics").path("start").asDouble()));
    List<String> errors = new ArrayList<>();
    if (llm.size() < expectedSpans.size()) {
      errors.add("expected " + expectedSpans.size() + " llm spans, found " + llm.size());
    } else {
      for (int i = 0; i < expectedSpans.size(); i++) {
        match("span[" + i + "]", llm.get(i), expectedSpans.get(i), errors);
      }
    }
    if (!errors.isEmpty()) {
      throw new AssertionError(
          what + ": span validation failed:\n" + String.join("\n", errors) + "\nrows: " + llm);
    }
  }

  private static void match(String path, JsonNode actual, JsonNode expected, List<String> errors) {
    if (expected == null || expected.isNull()) {
      return;
    }
    if (expected.isObject() && expected.size() == 1) {
      Map.Entry<String, JsonNode> tag = expected.fields().next();
      switch (tag.getKey()) {
        case "!fn" -> {
          if (!predicate(tag.getValue().asText(), actual)) {
            errors.add(path + ": expected " + tag.getValue().asText() + ", actual=" + show(actual));
          }
          return;
        }
        case "!starts_with" -> {
          if (!actual.isTextual() || !actual.asText().startsWith(tag.getValue().asText())) {
            errors.add(
                path
                    + ": expected a string starting with '"
                    + tag.getValue().asText()
                    + "', actual="
                    + show(actual));
          }
          return;
        }
        case "!or" -> {
          List<String> all = new ArrayList<>();
          for (JsonNode alternative : tag.getValue()) {
            List<String> one = new ArrayList<>();
            match(path, actual, alternative, one);
            if (one.isEmpty()) {
              return;
            }
            all.addAll(one);
          }
          errors.add(path + ": no alternative matched: " + all);
          return;
        }
        default -> {
          // A plain one-key object: compared below.
        }
      }
    }
    if (expected.isObject()) {
      if (!actual.isObject()) {
        errors.add(path + ": expected an object, actual=" + show(actual));
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        match(path + "." + e.getKey(), actual.path(e.getKey()), e.getValue(), errors);
      }
    } else if (expected.isArray()) {
      if (actual.isObject() && expected.size() == 1 && expected.get(0).isObject()) {
        // Providers such as Anthropic log one object where others log a list of choices.
        match(path, actual, expected.get(0), errors);
      } else if (!actual.isArray()) {
        errors.add(path + ": expected a list, actual=" + show(actual));
      } else if (actual.size() < expected.size()) {
        errors.add(
            path + ": expected at least " + expected.size() + " items, actual=" + show(actual));
      } else {
        for (int i = 0; i < expected.size(); i++) {
          match(path + "[" + i + "]", actual.get(i), expected.get(i), errors);
        }
      }
    } else if (!scalarEquals(actual, expected)) {
      errors.add(path + ": expected=" + show(expected) + ", actual=" + show(actual));
    }
  }

  private static boolean scalarEquals(JsonNode actual, JsonNode expected) {
    if (expected.isNumber() && actual.isNumber()) {
      return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return expected.equals(actual);
  }

  private static boolean predicate(String name, JsonNode v) {
    switch (name) {
      case "is_non_negative_number":
        return v.isNumber() && v.asDouble() >= 0;
      case "is_positive_number":
        return v.isNumber() && v.asDouble() > 0;
      case "is_non_empty_string":
        return v.isTextual() && !v.asText().isEmpty();
      case "undefined_or_null":
        return v.isMissingNode() || v.isNull();
      case "is_reasoning_message":
        if (!v.isArray()) {
          return false;
        }
        for (JsonNode part : v) {
          if (!"summary_text".equals(part.path("type").asText())
              || part.path("text").asText().isEmpty()) {
            return false;
          }
        }
        return true;
      default:
        Matcher contains = CONTAINS.matcher(name);
        if (contains.matches()) {
          return v.isTextual() && v.asText().contains(contains.group(1));
        }
        // An expression Java cannot evaluate: present and not empty, as the guide allows.
        return !v.isMissingNode() && !v.isNull() && !(v.isTextual() && v.asText().isEmpty());
    }
  }

  private static String show(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "<absent>";
    }
    try {
      String s = JSON.writeValueAsString(v);
      return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    } catch (Exception e) {
      return v.toString();
    }
  }
}
