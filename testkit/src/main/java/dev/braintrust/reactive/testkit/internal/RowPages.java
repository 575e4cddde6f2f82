package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Pages of rows as fetch and BTQL read them: latest first, ordered by the tuple ({@code _xact_id},
 * root span id) descending, where a row without {@code root_span_id} is its own root. A page holds
 * {@code limit} rows, plus any further rows sharing the last row's tuple, so a page never splits a
 * trace written in one transaction and the tuple bounds the next page exactly. The opaque cursor
 * carries the snapshot version and the last tuple, so later writes never shift pages.
 */
final class RowPages {
  /**
   * A position in the order: the next page holds the rows strictly after (below) it.
   *
   * @param xact a transaction id
   * @param root a root span id
   */
  record Bound(long xact, String root) {}

  /**
   * A decoded cursor.
   *
   * @param version the snapshot the paging reads
   * @param after the tuple of the previous page's last row
   */
  record Cursor(long version, Bound after) {}

  /**
   * One page.
   *
   * @param rows the page's rows
   * @param cursor the cursor for the next page, or null
   */
  record Page(List<ObjectNode> rows, @Nullable String cursor) {}

  private static final Comparator<ObjectNode> LATEST_FIRST =
      Comparator.comparing(RowPages::bound, RowPages::compare).reversed();

  private RowPages() {}

  /** The rows (in write order) latest first. */
  static List<ObjectNode> order(List<ObjectNode> rows) {
    List<ObjectNode> out = new ArrayList<>(rows);
    // Reverse first so rows of one tuple keep latest-written first under the stable sort.
    Collections.reverse(out);
    out.sort(LATEST_FIRST);
    return out;
  }

  /** The row's position: its transaction and root span. */
  static Bound bound(ObjectNode row) {
    long xact;
    try {
      xact = Long.parseLong(row.path("_xact_id").asText("0"));
    } catch (NumberFormatException e) {
      xact = 0;
    }
    String root = row.path("root_span_id").asText(row.path("id").asText(""));
    return new Bound(xact, root);
  }

  private static int compare(Bound a, Bound b) {
    int c = Long.compare(a.xact(), b.xact());
    return c != 0 ? c : a.root().compareTo(b.root());
  }

  /**
   * The page of {@code ordered} after {@code after} (from the start when null) holding {@code
   * limit} rows (all when null). The cursor is set when rows remain after the page, or with {@code
   * cursorWhenNotEmpty} whenever the page has rows (a BTQL reader stops at an empty page).
   */
  static Page page(
      List<ObjectNode> ordered,
      @Nullable Bound after,
      @Nullable Integer limit,
      long version,
      boolean cursorWhenNotEmpty) {
    int from = 0;
    if (after != null) {
      while (from < ordered.size() && compare(bound(ordered.get(from)), after) >= 0) {
        from++;
      }
    }
    int to = limit == null ? ordered.size() : (int) Math.min(ordered.size(), (long) from + limit);
    if (to > from) {
      Bound last = bound(ordered.get(to - 1));
      while (to < ordered.size() && compare(bound(ordered.get(to)), last) == 0) {
        to++;
      }
    }
    List<ObjectNode> rows = new ArrayList<>(ordered.subList(from, to));
    boolean more = to < ordered.size();
    String cursor =
        !rows.isEmpty() && (more || cursorWhenNotEmpty)
            ? encode(new Cursor(version, bound(rows.get(rows.size() - 1))))
            : null;
    return new Page(rows, cursor);
  }

  /** The opaque text of a cursor. */
  static String encode(Cursor c) {
    ObjectNode json =
        Json.object()
            .put("v", Long.toString(c.version()))
            .put("x", Long.toString(c.after().xact()))
            .put("r", c.after().root());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(json));
  }

  /** A cursor from its text; 400 when it is not one this server made. */
  static Cursor decode(String cursor) {
    try {
      JsonNode json = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
      if (json != null && json.path("v").isTextual() && json.path("r").isTextual()) {
        return new Cursor(
            Long.parseLong(json.get("v").asText()),
            new Bound(Long.parseLong(json.path("x").asText()), json.get("r").asText()));
      }
    } catch (IllegalArgumentException | IOException e) {
      // reported below
    }
    throw HttpError.badRequest("invalid cursor '" + cursor + "'");
  }

  /** A transaction id given as {@code field}; 400 unless it is a string of digits. */
  static long xactId(String field, String value) {
    if (!value.isEmpty() && value.length() <= 19 && value.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(value);
    }
    throw HttpError.badRequest(
        "'" + field + "' must be a transaction id (a string of digits), got '" + value + "'");
  }

  /** Checks {@code filters} and returns the rows matching all of them. */
  static List<ObjectNode> filter(List<ObjectNode> rows, @Nullable JsonNode filters) {
    if (filters == null || filters.isEmpty()) {
      return rows;
    }
    for (int i = 0; i < filters.size(); i++) {
      Fields f = Fields.nested(filters.get(i), "filters[" + i + "]");
      f.requiredOneOf("type", Set.of("path_lookup"));
      List<String> path = f.strings("path");
      if (path == null || path.isEmpty()) {
        throw HttpError.badRequest(f.name("path") + " must be a non-empty array of strings");
      }
      if (!f.node().has("value")) {
        throw HttpError.badRequest(f.name("value") + " is required");
      }
    }
    List<ObjectNode> out = new ArrayList<>();
    outer:
    for (ObjectNode r : rows) {
      for (JsonNode f : filters) {
        JsonNode at = r;
        for (JsonNode p : f.path("path")) {
          at = at.path(p.asText());
        }
        if (!at.equals(f.get("value"))) {
          continue outer;
        }
      }
      out.add(r);
    }
    return out;
  }
}
