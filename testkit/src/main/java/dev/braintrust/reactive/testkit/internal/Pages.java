package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The API's list pagination: {@code limit} with a {@code starting_after} or {@code ending_before}
 * object id, over the objects named by {@code ids} (repeated to list several) when given.
 */
final class Pages {
  private Pages() {}

  /** {@code {"objects": [...]}} holding the page of {@code found} the request asks for. */
  static ObjectNode page(List<ObjectNode> all, Exchange ex) {
    List<ObjectNode> found = all;
    List<String> ids = ex.params("ids");
    if (!ids.isEmpty()) {
      found = new ArrayList<>();
      for (ObjectNode o : all) {
        if (ids.contains(o.path("id").asText())) {
          found.add(o);
        }
      }
    }
    String after = ex.param("starting_after");
    String before = ex.param("ending_before");
    if (after != null && before != null) {
      throw HttpError.badRequest("only one of 'starting_after' and 'ending_before' may be given");
    }
    Integer given = Query.count(ex, "limit");
    int limit = given == null ? Integer.MAX_VALUE : given;
    int from;
    int to;
    if (before != null) {
      to = indexOfId(found, before);
      from = Math.max(0, to - limit);
    } else {
      from = after == null ? 0 : indexOfId(found, after) + 1;
      to = (int) Math.min(found.size(), (long) from + limit);
    }
    ObjectNode out = Json.object();
    out.putArray("objects").addAll(found.subList(from, to));
    return out;
  }

  private static int indexOfId(List<ObjectNode> objects, String id) {
    for (int i = 0; i < objects.size(); i++) {
      if (id.equals(objects.get(i).path("id").asText())) {
        return i;
      }
    }
    throw HttpError.badRequest("pagination cursor '" + id + "' is not an object in this list");
  }
}
