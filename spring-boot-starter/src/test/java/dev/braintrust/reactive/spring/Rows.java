package dev.braintrust.reactive.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Reading span rows back from the testkit, waiting for them with a deadline. */
final class Rows {
  private Rows() {}

  static List<ObjectNode> of(BraintrustTestServer server, String project) {
    String id = server.projectId(project);
    return id == null ? List.of() : server.projectLogs(id);
  }

  /**
   * Polls {@code rows} (running {@code step} between polls) until {@code done}; fails after 20 s.
   */
  static List<ObjectNode> await(
      String what,
      Supplier<List<ObjectNode>> rows,
      Predicate<List<ObjectNode>> done,
      Runnable step) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      List<ObjectNode> now = rows.get();
      if (done.test(now)) {
        return now;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + what + "; rows: " + now);
      }
      step.run();
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  static String name(JsonNode row) {
    return row.path("span_attributes").path("name").asText();
  }

  static String spanId(JsonNode row) {
    return row.path("span_id").asText();
  }

  static List<String> parents(JsonNode row) {
    List<String> out = new ArrayList<>();
    row.path("span_parents").forEach(p -> out.add(p.asText()));
    return out;
  }

  static JsonNode meta(JsonNode row, String key) {
    return row.path("metadata").path(key);
  }

  /** The rows of one trace, by span id. */
  static Map<String, ObjectNode> trace(List<ObjectNode> rows, String rootSpanId) {
    return rows.stream()
        .filter(r -> r.path("root_span_id").asText().equals(rootSpanId))
        .collect(Collectors.toMap(Rows::spanId, r -> r, (a, b) -> b));
  }

  /** The one row whose span is named {@code name} and whose parent is {@code parent}. */
  static ObjectNode child(Map<String, ObjectNode> trace, ObjectNode parent, String name) {
    List<ObjectNode> found =
        trace.values().stream()
            .filter(r -> name.equals(name(r)) && parents(r).equals(List.of(spanId(parent))))
            .collect(Collectors.toList());
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one '"
              + name
              + "' under '"
              + name(parent)
              + "', found "
              + found.size()
              + " in "
              + trace.values());
    }
    return found.get(0);
  }
}
