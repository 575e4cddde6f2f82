package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /btql}: body {@code {query, fmt?, cursor?, version?}} where {@code query} is SQL text
 * or the JSON AST ({@link BtqlQuery} says what is served). Rows come latest first as fetch pages
 * them ({@link RowPages}); {@code fmt} {@code json} (the default) answers {@code {"data": [...],
 * "cursor": ...}}, {@code jsonl} one JSON row per line. Every page with rows carries the next
 * cursor in the {@code x-bt-cursor} header, so a reader that stops at an empty page (as the API
 * guide's does) reads everything once. An object id that names no object is a 404.
 */
public final class BtqlHandler {
  private static final Set<String> FORMATS = Set.of("json", "jsonl");

  private final ObjectStore objects;
  private final RowStore rows;

  /** A handler querying the rows of {@code rows}. */
  public BtqlHandler(ObjectStore objects, RowStore rows) {
    this.objects = objects;
    this.rows = rows;
  }

  /** Adds this handler's route. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/btql", (ex, p) -> query(Fields.of(ex.body())));
  }

  private Reply query(Fields body) {
    JsonNode text = body.node().get("query");
    if (text == null || text.isNull()) {
      throw HttpError.badRequest("'query' is required");
    }
    BtqlQuery q;
    if (text.isTextual()) {
      q = BtqlQuery.parseSql(text.asText());
    } else if (text.isObject()) {
      q = BtqlQuery.parseAst(text);
    } else {
      throw HttpError.badRequest("'query' must be a string or an object");
    }
    String fmt = body.oneOf("fmt", FORMATS);
    String version = body.string("version");
    String cursor = q.cursor() != null ? q.cursor() : body.string("cursor");
    String kind = q.source().equals("project_logs") ? "project" : q.source();
    Listing.existing(objects, kind, q.objectId());
    long snapshot = version == null ? rows.currentXact() : RowPages.xactId("version", version);
    RowPages.Bound after = null;
    if (cursor != null && !cursor.isEmpty()) {
      RowPages.Cursor c = RowPages.decode(cursor);
      snapshot = c.version();
      after = c.after();
    }
    List<ObjectNode> all =
        RowPages.order(rows.snapshot(RowStore.key(q.source(), q.objectId()), snapshot));
    RowPages.Page page = RowPages.page(all, after, q.limit(), snapshot, true);
    Map<String, String> headers =
        page.cursor() == null ? Map.of() : Map.of("x-bt-cursor", page.cursor());
    if ("jsonl".equals(fmt)) {
      StringBuilder lines = new StringBuilder();
      for (ObjectNode row : page.rows()) {
        lines.append(project(row, q)).append('\n');
      }
      return Reply.text(200, "application/x-ndjson", lines.toString()).withHeaders(headers);
    }
    ObjectNode out = Json.object();
    ArrayNode data = out.putArray("data");
    page.rows().forEach(r -> data.add(project(r, q)));
    out.put("cursor", page.cursor());
    return Reply.ok(out).withHeaders(headers);
  }

  /** The row, or only the selected fields (null where a row lacks one). */
  private static JsonNode project(ObjectNode row, BtqlQuery q) {
    if (q.fields() == null) {
      return row;
    }
    ObjectNode out = Json.object();
    for (BtqlQuery.Field f : q.fields()) {
      JsonNode at = row;
      for (String key : f.path()) {
        at = at.path(key);
      }
      out.set(f.alias(), at.isMissingNode() ? Json.MAPPER.nullNode() : at);
    }
    return out;
  }
}
