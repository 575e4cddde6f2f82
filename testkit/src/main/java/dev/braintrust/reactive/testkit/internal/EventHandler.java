package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Rows of project logs, experiments and datasets: {@code insert}, {@code fetch} (GET and POST
 * forms, latest rows first, paged as {@link RowPages} describes), {@code feedback}.
 */
public final class EventHandler {
  private static final String OBJECT = "/v1/(project_logs|experiment|dataset)/([^/]+)/";
  private static final Set<String> GET_PARAMS =
      Set.of("limit", "cursor", "version", "max_xact_id", "max_root_span_id", "filters");

  private final ObjectStore objects;
  private final RowStore rows;

  /** A handler storing rows in {@code rows} for objects of {@code objects}. */
  public EventHandler(ObjectStore objects, RowStore rows) {
    this.objects = objects;
    this.rows = rows;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", OBJECT + "insert", (ex, p) -> insert(table(p), ex.body()));
    routes.on("POST", OBJECT + "fetch", (ex, p) -> fetch(table(p), ex, false));
    routes.on("GET", OBJECT + "fetch", (ex, p) -> fetch(table(p), ex, true));
    routes.on("POST", OBJECT + "feedback", (ex, p) -> feedback(table(p), ex.body()));
  }

  /** The row table of the object in the path; 404 when the object does not exist. */
  private String table(List<String> params) {
    String kind = params.get(0);
    String id = params.get(1);
    String objectKind = kind.equals("project_logs") ? "project" : kind;
    if (objects.get(objectKind, id) == null) {
      throw HttpError.notFound(objectKind + " '" + id + "' not found");
    }
    return RowStore.key(kind, id);
  }

  private Reply insert(String table, JsonNode body) {
    List<String> ids = rows.insert(table, EventValidator.events(body));
    ObjectNode out = Json.object();
    ArrayNode rowIds = out.putArray("row_ids");
    ids.forEach(rowIds::add);
    return Reply.ok(out);
  }

  private Reply feedback(String table, JsonNode body) {
    rows.feedback(table, EventValidator.feedback(body));
    return Reply.ok(Json.object());
  }

  /**
   * A fetch, its parameters from the query (GET) or the body (POST): {@code limit} (default 100),
   * {@code cursor}, {@code version} (read the rows as of that transaction), {@code max_xact_id}
   * with {@code max_root_span_id} (the page below that tuple; both or neither) and path-lookup
   * {@code filters} (on GET, a JSON array text).
   */
  private Reply fetch(String table, Exchange ex, boolean get) {
    Integer limit;
    String cursor;
    String version;
    String maxXact;
    String maxRoot;
    JsonNode filters;
    if (get) {
      Query.allow(ex, GET_PARAMS);
      limit = Query.count(ex, "limit");
      cursor = ex.param("cursor");
      version = ex.param("version");
      maxXact = ex.param("max_xact_id");
      maxRoot = ex.param("max_root_span_id");
      filters = filtersParam(ex.param("filters"));
    } else {
      Fields body = Fields.of(ex.body());
      limit = body.integer("limit");
      if (limit != null && limit < 0) {
        throw HttpError.badRequest("'limit' must be a non-negative integer");
      }
      cursor = body.string("cursor");
      version = body.string("version");
      maxXact = body.string("max_xact_id");
      maxRoot = body.string("max_root_span_id");
      filters = body.array("filters");
    }
    if ((maxXact == null) != (maxRoot == null)) {
      throw HttpError.badRequest("'max_xact_id' and 'max_root_span_id' must be given together");
    }
    if (cursor != null && !cursor.isEmpty() && maxXact != null) {
      throw HttpError.badRequest(
          "give either 'cursor' or 'max_xact_id' and 'max_root_span_id', not both");
    }
    long snapshot = version == null ? rows.currentXact() : RowPages.xactId("version", version);
    RowPages.Bound after = null;
    if (cursor != null && !cursor.isEmpty()) {
      RowPages.Cursor c = RowPages.decode(cursor);
      snapshot = c.version();
      after = c.after();
    } else if (maxXact != null) {
      after = new RowPages.Bound(RowPages.xactId("max_xact_id", maxXact), maxRoot);
    }
    List<ObjectNode> matching = RowPages.filter(rows.snapshot(table, snapshot), filters);
    RowPages.Page page =
        RowPages.page(
            RowPages.order(matching), after, limit == null ? 100 : limit, snapshot, false);
    ObjectNode out = Json.object();
    out.putArray("events").addAll(page.rows());
    out.put("cursor", page.cursor());
    return Reply.ok(out);
  }

  private static @Nullable JsonNode filtersParam(@Nullable String text) {
    if (text == null) {
      return null;
    }
    try {
      JsonNode f = Json.MAPPER.readTree(text);
      if (f != null && f.isArray()) {
        return f;
      }
    } catch (IOException e) {
      // reported below
    }
    throw HttpError.badRequest("'filters' must be a JSON array of path-lookup filters");
  }
}
