package dev.braintrust.reactive.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * {@code POST /btql}, paged as the API guides do it: the cursor of the next page comes in the
 * {@code x-bt-cursor} header (or {@code x-amz-meta-bt_cursor} behind some proxies, or the body's
 * {@code cursor}), and goes back inside a query object or beside a SQL string.
 */
public final class Btql {
  private Btql() {}

  /** The rows of {@code query}: SQL text or a query object (a {@code Map} or {@code JsonNode}). */
  public static Flux<JsonNode> rows(HttpCore http, Object query) {
    Objects.requireNonNull(query, "query");
    JsonNode q = query instanceof String s ? Json.MAPPER.getNodeFactory().textNode(s) : tree(query);
    if (q.isTextual() && q.asText().isBlank()) {
      return Flux.error(new IllegalArgumentException("a BTQL query must not be blank"));
    }
    if (!q.isTextual() && !q.isObject()) {
      return Flux.error(
          new IllegalArgumentException(
              "a BTQL query is SQL text or a query object, got " + q.getNodeType()));
    }
    return PageWalker.walk(
        cursor ->
            http.jsonReply(HttpMethod.POST, "/btql", body(q, cursor)).map(r -> page(r, cursor)));
  }

  private static JsonNode tree(Object query) {
    return query instanceof JsonNode n ? n : Json.MAPPER.valueToTree(query);
  }

  private static ObjectNode body(JsonNode query, @Nullable String cursor) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    if (query.isObject()) {
      ObjectNode q = ((ObjectNode) query).deepCopy();
      if (cursor != null) {
        q.put("cursor", cursor);
      }
      body.set("query", q);
    } else {
      body.set("query", query);
      if (cursor != null) {
        body.put("cursor", cursor);
      }
    }
    // No fmt: json is the default, and the official SDKs send none.
    return body;
  }

  private static PageWalker.Page page(JsonReply reply, @Nullable String previous) {
    JsonNode rows = reply.objects("data");
    String next = reply.headers().get("x-bt-cursor");
    if (next == null) {
      next = reply.headers().get("x-amz-meta-bt_cursor");
    }
    if (next == null) {
      next = reply.optionalText("cursor");
    }
    if (next == null || next.isEmpty() || next.equals(previous) || rows.size() == 0) {
      return new PageWalker.Page(rows, null);
    }
    return new PageWalker.Page(rows, next);
  }
}
