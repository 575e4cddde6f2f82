package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The fields each object kind carries in the spec's response schemas, with the value an object
 * shows for a field it never set (null for nullable fields). Stored objects keep only what was set;
 * {@link #view} lays them out in the schema's shape.
 */
final class Shapes {
  private static final Map<String, ObjectNode> TEMPLATES =
      Map.ofEntries(
          Map.entry(
              "project",
              template(
                  "org_id",
                  Seeds.ORG_ID,
                  "name",
                  null,
                  "created",
                  null,
                  "deleted_at",
                  null,
                  "user_id",
                  Seeds.USER_ID,
                  "settings",
                  null)),
          Map.entry(
              "experiment",
              template(
                  "project_id",
                  null,
                  "name",
                  null,
                  "description",
                  null,
                  "created",
                  null,
                  "repo_info",
                  null,
                  "base_exp_id",
                  null,
                  "dataset_id",
                  null,
                  "public",
                  false,
                  "metadata",
                  null)),
          Map.entry(
              "dataset",
              template(
                  "project_id",
                  null,
                  "name",
                  null,
                  "description",
                  null,
                  "created",
                  null,
                  "user_id",
                  Seeds.USER_ID,
                  "metadata",
                  null)),
          Map.entry(
              "prompt",
              template(
                  "project_id",
                  null,
                  "name",
                  null,
                  "slug",
                  null,
                  "description",
                  null,
                  "created",
                  null,
                  "prompt_data",
                  Json.object(),
                  "tags",
                  null,
                  "function_type",
                  null,
                  "log_id",
                  "p")),
          Map.entry(
              "function",
              template(
                  "project_id",
                  null,
                  "name",
                  null,
                  "slug",
                  null,
                  "description",
                  null,
                  "created",
                  null,
                  "function_type",
                  null,
                  "function_data",
                  Json.object(),
                  "prompt_data",
                  Json.object(),
                  "function_schema",
                  null,
                  "log_id",
                  "p")),
          Map.entry(
              "project_score",
              template(
                  "project_id",
                  null,
                  "name",
                  null,
                  "description",
                  null,
                  "score_type",
                  null,
                  "categories",
                  null,
                  "created",
                  null)),
          Map.entry(
              "project_tag",
              template(
                  "project_id",
                  null,
                  "name",
                  null,
                  "description",
                  null,
                  "color",
                  null,
                  "created",
                  null)),
          Map.entry(
              "view",
              template(
                  "object_type",
                  null,
                  "object_id",
                  null,
                  "view_type",
                  null,
                  "name",
                  null,
                  "view_data",
                  null,
                  "created",
                  null)),
          Map.entry(
              "organization",
              template("name", null, "api_url", null, "proxy_url", null, "created", null)),
          Map.entry(
              "user",
              template(
                  "given_name",
                  null,
                  "family_name",
                  null,
                  "email",
                  null,
                  "avatar_url",
                  null,
                  "created",
                  null)),
          Map.entry(
              "role",
              template(
                  "org_id",
                  null,
                  "name",
                  null,
                  "description",
                  null,
                  "member_permissions",
                  null,
                  "created",
                  null)),
          Map.entry(
              "group",
              template(
                  "org_id",
                  null,
                  "name",
                  null,
                  "description",
                  null,
                  "member_users",
                  null,
                  "member_groups",
                  null,
                  "created",
                  null)),
          Map.entry(
              "acl",
              template(
                  "object_type",
                  null,
                  "object_id",
                  null,
                  "user_id",
                  null,
                  "group_id",
                  null,
                  "permission",
                  null,
                  "role_id",
                  null,
                  "restrict_object_type",
                  null,
                  "created",
                  null)),
          Map.entry(
              "api_key",
              template(
                  "name",
                  null,
                  "preview_name",
                  null,
                  "user_id",
                  null,
                  "org_id",
                  null,
                  "created",
                  null)),
          Map.entry(
              "ai_secret",
              template(
                  "org_id", null, "name", null, "type", null, "metadata", null, "created", null)));

  private Shapes() {}

  private static ObjectNode template(Object... pairs) {
    ObjectNode t = Json.object();
    for (int i = 0; i < pairs.length; i += 2) {
      t.set((String) pairs[i], Json.MAPPER.valueToTree(pairs[i + 1]));
    }
    return t;
  }

  /**
   * The public form of a stored object: its id, then the schema's fields in order (stored value or
   * default), then any other fields it has (e.g. {@code deleted_at}); fields starting with {@code
   * _} are the store's own and never shown.
   */
  static ObjectNode view(String kind, ObjectNode stored) {
    ObjectNode out = Json.object();
    out.set("id", stored.get("id"));
    ObjectNode template = TEMPLATES.get(kind);
    if (template != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode v = stored.get(f.getKey());
        out.set(f.getKey(), (v == null ? f.getValue() : v).deepCopy());
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getKey().startsWith("_") && !out.has(f.getKey())) {
        out.set(f.getKey(), f.getValue().deepCopy());
      }
    }
    return out;
  }
}
