package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The part of BTQL the testkit serves, parsed from SQL text or from the JSON AST: {@code SELECT *}
 * or a list of field paths (each optionally {@code AS alias}) {@code FROM} one object's rows,
 * {@code project_logs('id')}, {@code experiment('id')} or {@code dataset('id')} (optionally with
 * {@code shape => 'spans'|'traces'}, or the word after the call), and an optional {@code LIMIT}.
 * Anything else is a 400 saying what is not supported.
 *
 * @param source {@code project_logs}, {@code experiment} or {@code dataset}
 * @param objectId the object's id
 * @param fields the selected fields, or null for {@code *}
 * @param limit the row limit, or null for all rows
 * @param cursor the AST's cursor, or null
 */
record BtqlQuery(
    String source,
    String objectId,
    @Nullable List<Field> fields,
    @Nullable Integer limit,
    @Nullable String cursor) {
  /**
   * A selected field.
   *
   * @param path the keys from the row down to the value
   * @param alias the name it gets in the result
   */
  record Field(List<String> path, String alias) {}

  private static final Set<String> SOURCES = Set.of("project_logs", "experiment", "dataset");
  private static final Set<String> SHAPES = Set.of("spans", "traces");
  private static final Set<String> CLAUSES =
      Set.of("where", "group", "order", "having", "join", "union", "offset", "filter", "sort");
  private static final Set<String> AST_KEYS = Set.of("from", "select", "limit", "cursor");
  private static final String SUPPORTED =
      "the testkit serves SELECT * or a field list FROM project_logs('id'), experiment('id') or"
          + " dataset('id') [LIMIT n]";

  static HttpError error(String message) {
    return HttpError.badRequest("btql: " + message + "; " + SUPPORTED);
  }

  // ---------------------------------------------------------------- SQL text

  /** Parses SQL text. */
  static BtqlQuery parseSql(String sql) {
    return new SqlParser(sql).query();
  }

  private static final class SqlParser {
    private final List<String> tokens = new ArrayList<>();
    private int at;

    SqlParser(String sql) {
      int i = 0;
      while (i < sql.length()) {
        char c = sql.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '\'' || c == '"') {
          int end = sql.indexOf(c, i + 1);
          if (end < 0) {
            throw error("unterminated string starting at position " + i);
          }
          tokens.add(sql.substring(i, end + 1));
          i = end + 1;
        } else if (Character.isLetterOrDigit(c) || c == '_') {
          int end = i;
          while (end < sql.length()
              && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
            end++;
          }
          tokens.add(sql.substring(i, end));
          i = end;
        } else if (sql.startsWith("=>", i)) {
          tokens.add("=>");
          i += 2;
        } else {
          tokens.add(String.valueOf(c));
          i++;
        }
      }
    }

    private @Nullable String peek() {
      return at < tokens.size() ? tokens.get(at) : null;
    }

    private String next(String what) {
      String t = peek();
      if (t == null) {
        throw error("expected " + what + " but the query ended");
      }
      at++;
      return t;
    }

    private boolean word(@Nullable String token, String keyword) {
      return token != null && token.equalsIgnoreCase(keyword);
    }

    private void expect(String expected) {
      String t = next("'" + expected + "'");
      if (!t.equalsIgnoreCase(expected)) {
        throw unexpected("'" + expected + "'", t);
      }
    }

    private HttpError unexpected(String expected, String found) {
      if (CLAUSES.contains(found.toLowerCase(Locale.ROOT))) {
        return error(found.toUpperCase(Locale.ROOT) + " is not supported");
      }
      return error("expected " + expected + " but found '" + found + "'");
    }

    private static boolean identifier(String t) {
      return !t.isEmpty() && (Character.isLetter(t.charAt(0)) || t.charAt(0) == '_');
    }

    private static @Nullable String quoted(String t) {
      char c = t.charAt(0);
      return (c == '\'' || c == '"') ? t.substring(1, t.length() - 1) : null;
    }

    BtqlQuery query() {
      expect("select");
      List<Field> fields = null;
      if ("*".equals(peek())) {
        at++;
      } else {
        fields = new ArrayList<>();
        fields.add(field());
        while (",".equals(peek())) {
          at++;
          fields.add(field());
        }
      }
      expect("from");
      String source = next("a source").toLowerCase(Locale.ROOT);
      if (!SOURCES.contains(source)) {
        throw error("unknown source '" + source + "'");
      }
      expect("(");
      String id = quoted(next("the object id"));
      if (id == null) {
        throw error("the object id must be a quoted string");
      }
      if (",".equals(peek())) {
        at++;
        expect("shape");
        expect("=>");
        shape(quoted(next("a shape")));
      }
      expect(")");
      String t = peek();
      if (t != null && SHAPES.contains(t.toLowerCase(Locale.ROOT))) {
        at++;
      }
      Integer limit = null;
      if (word(peek(), "limit")) {
        at++;
        String n = next("a number");
        try {
          limit = Integer.parseInt(n);
        } catch (NumberFormatException e) {
          throw error("LIMIT must be a non-negative integer, got '" + n + "'");
        }
      }
      if (";".equals(peek())) {
        at++;
      }
      if (peek() != null) {
        throw unexpected("the end of the query", peek());
      }
      return new BtqlQuery(source, id, fields, limit, null);
    }

    private Field field() {
      List<String> path = new ArrayList<>();
      path.add(name(next("a field")));
      if ("(".equals(peek())) {
        throw error("functions in SELECT (" + path.get(0) + ") are not supported");
      }
      while (".".equals(peek())) {
        at++;
        path.add(name(next("a field name")));
      }
      String alias = path.get(path.size() - 1);
      if (word(peek(), "as")) {
        at++;
        alias = name(next("an alias"));
      }
      return new Field(path, alias);
    }

    private String name(String t) {
      if (t.startsWith("\"")) {
        return t.substring(1, t.length() - 1);
      }
      if (!identifier(t)) {
        throw unexpected("a field name", t);
      }
      return t;
    }
  }

  private static void shape(@Nullable String shape) {
    if (shape == null || !SHAPES.contains(shape)) {
      throw error("shape '" + shape + "' is not supported (spans or traces)");
    }
  }

  // ---------------------------------------------------------------- JSON AST

  /** Parses the JSON AST, e.g. {@code {from: {op: function, ...}, select: [{op: star}]}}. */
  static BtqlQuery parseAst(JsonNode ast) {
    for (Iterator<String> it = ast.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!AST_KEYS.contains(key)) {
        throw error("'" + key + "' is not supported");
      }
    }
    JsonNode from = ast.path("from");
    JsonNode name = from.path("name").path("name");
    JsonNode args = from.path("args");
    boolean ok =
        "function".equals(from.path("op").asText())
            && "ident".equals(from.path("name").path("op").asText())
            && name.isArray()
            && name.size() == 1
            && SOURCES.contains(name.get(0).asText())
            && args.isArray()
            && args.size() == 1
            && "literal".equals(args.get(0).path("op").asText())
            && args.get(0).path("value").isTextual();
    if (!ok) {
      throw error(
          "'from' must be {op: function, name: {op: ident, name: [project_logs|experiment|"
              + "dataset]}, args: [{op: literal, value: id}]}");
    }
    if (from.has("shape")) {
      shape(from.get("shape").textValue());
    }
    JsonNode select = ast.path("select");
    if (!select.isArray() || select.isEmpty()) {
      throw error("'select' must be a non-empty array");
    }
    List<Field> fields = null;
    if (select.size() != 1 || !"star".equals(select.get(0).path("op").asText())) {
      fields = new ArrayList<>();
      for (JsonNode s : select) {
        fields.add(astField(s));
      }
    }
    Integer limit = null;
    JsonNode l = ast.path("limit");
    if (!l.isMissingNode() && !l.isNull()) {
      if (!l.canConvertToInt() || !l.isIntegralNumber() || l.asInt() < 0) {
        throw error("'limit' must be a non-negative integer");
      }
      limit = l.asInt();
    }
    JsonNode c = ast.path("cursor");
    if (!c.isMissingNode() && !c.isNull() && !c.isTextual()) {
      throw error("'cursor' must be a string or null");
    }
    return new BtqlQuery(
        name.get(0).asText(), args.get(0).get("value").asText(), fields, limit, c.textValue());
  }

  /** {@code {op: ident|field, name: [...]}}, or {@code {alias: a, expr: {...}}}. */
  private static Field astField(JsonNode s) {
    JsonNode expr = s.has("expr") ? s.get("expr") : s;
    String op = expr.path("op").asText();
    JsonNode name = expr.path("name");
    List<String> path = new ArrayList<>();
    name.forEach(n -> path.add(n.asText()));
    boolean ok =
        (op.equals("ident") || op.equals("field"))
            && name.isArray()
            && !path.isEmpty()
            && path.size() == name.size();
    for (JsonNode n : name) {
      ok &= n.isTextual();
    }
    if (!ok) {
      throw error("a 'select' item must be {op: star}, {op: field, name: [...]} or {alias, expr}");
    }
    String alias =
        s.path("alias").isTextual() ? s.get("alias").asText() : path.get(path.size() - 1);
    return new Field(path, alias);
  }
}
