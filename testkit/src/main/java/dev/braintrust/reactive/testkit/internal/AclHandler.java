package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Access control: {@code /v1/role} and {@code /v1/group} (create or get by name, list), and {@code
 * /v1/acl}: {@code POST} creates an ACL or returns the identical one unmodified, {@code GET} lists
 * the ACLs of one object ({@code object_type} and {@code object_id} required), {@code DELETE}
 * deletes the ACL its CreateAcl body describes (404 when there is none), and {@code POST
 * /v1/acl/batch_update} adds {@code add_acls} then removes {@code remove_acls} (missing ones are
 * skipped), checking every item before changing anything.
 *
 * <p>An ACL names exactly one of {@code user_id} and {@code group_id}, and exactly one of {@code
 * permission} and {@code role_id}; the users, groups, roles and (for the kinds the server stores)
 * the object it names must exist, else 404.
 */
public final class AclHandler {
  private static final Set<String> PERMISSIONS =
      Set.of(
          "create",
          "read",
          "update",
          "delete",
          "create_acls",
          "read_acls",
          "update_acls",
          "delete_acls");
  private static final Set<String> OBJECT_TYPES =
      Set.of(
          "organization",
          "project",
          "experiment",
          "dataset",
          "prompt",
          "prompt_session",
          "group",
          "role",
          "org_member",
          "project_log",
          "org_project");
  private static final String[] FIELDS = {
    "object_type",
    "object_id",
    "user_id",
    "group_id",
    "permission",
    "role_id",
    "restrict_object_type"
  };

  private final ObjectStore objects;

  /** A handler keeping roles, groups and ACLs in {@code objects}. */
  public AclHandler(ObjectStore objects) {
    this.objects = objects;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    routes.on("POST", "/v1/role", (ex, p) -> Reply.ok(createRole(Fields.of(ex.body()))));
    Listing.listRoute(routes, objects, "role", Map.of("role_name", "name"), false);
    routes.on("POST", "/v1/group", (ex, p) -> Reply.ok(createGroup(Fields.of(ex.body()))));
    Listing.listRoute(routes, objects, "group", Map.of("group_name", "name"), false);
    routes.on("POST", "/v1/acl", (ex, p) -> Reply.ok(add(check(Fields.of(ex.body()), true))));
    routes.on("GET", "/v1/acl", (ex, p) -> list(ex));
    routes.on("DELETE", "/v1/acl", (ex, p) -> Reply.ok(deleteAcl(Fields.of(ex.body()))));
    routes.on("POST", "/v1/acl/batch_update", (ex, p) -> batch(Fields.of(ex.body())));
  }

  private ObjectNode createRole(Fields body) {
    String name = body.required("name");
    body.string("description");
    List<JsonNode> permissions = body.objects("member_permissions");
    if (permissions != null) {
      for (int i = 0; i < permissions.size(); i++) {
        Fields f = Fields.nested(permissions.get(i), "member_permissions[" + i + "]");
        f.requiredOneOf("permission", PERMISSIONS);
        f.oneOf("restrict_object_type", OBJECT_TYPES);
      }
    }
    ObjectNode fields = body.pick("description", "member_permissions").put("org_id", Seeds.ORG_ID);
    return objects.getOrCreate("role", "name", name, null, fields);
  }

  private ObjectNode createGroup(Fields body) {
    String name = body.required("name");
    body.string("description");
    List<String> users = body.strings("member_users");
    ObjectNode fields = body.pick("description").put("org_id", Seeds.ORG_ID);
    ArrayNode members = fields.putArray("member_users");
    for (String id : users == null ? List.<String>of() : users) {
      members.add(Listing.existing(objects, "user", id).get("id").asText());
    }
    fields.putArray("member_groups");
    return objects.getOrCreate("group", "name", name, null, fields);
  }

  /**
   * Checks a CreateAcl object and returns its fields; with {@code refs} the objects it names must
   * exist.
   */
  private ObjectNode check(Fields acl, boolean refs) {
    String type = acl.requiredOneOf("object_type", OBJECT_TYPES);
    String objectId = acl.required("object_id");
    String user = acl.string("user_id");
    String group = acl.string("group_id");
    String permission = acl.oneOf("permission", PERMISSIONS);
    String role = acl.string("role_id");
    acl.oneOf("restrict_object_type", OBJECT_TYPES);
    if ((user == null) == (group == null)) {
      throw HttpError.badRequest(
          "exactly one of " + acl.name("user_id") + " and " + acl.name("group_id") + " is needed");
    }
    if ((permission == null) == (role == null)) {
      throw HttpError.badRequest(
          "exactly one of "
              + acl.name("permission")
              + " and "
              + acl.name("role_id")
              + " is needed");
    }
    if (refs) {
      checkObject(type, objectId);
      if (user != null) {
        Listing.existing(objects, "user", user);
      }
      if (group != null) {
        Listing.existing(objects, "group", group);
      }
      if (role != null) {
        Listing.existing(objects, "role", role);
      }
    }
    return acl.pick(FIELDS);
  }

  /** 404 unless the object an ACL is on exists, for the kinds this server stores. */
  private void checkObject(String type, String id) {
    switch (type) {
      case "organization":
        if (!id.equals(Seeds.ORG_ID)) {
          throw HttpError.notFound("organization '" + id + "' not found");
        }
        break;
      case "project_log":
        Listing.existing(objects, "project", id);
        break;
      case "project", "experiment", "dataset", "prompt", "group", "role":
        Listing.existing(objects, type, id);
        break;
      default:
        // prompt sessions, org members and org projects aren't objects of this server
    }
  }

  /** The identity of an ACL: its seven fields, nulls included. */
  private static String key(ObjectNode acl) {
    StringBuilder key = new StringBuilder();
    for (String f : FIELDS) {
      key.append(acl.path(f).asText("")).append('\n');
    }
    return key.toString();
  }

  private ObjectNode add(ObjectNode acl) {
    return objects.getOrCreate("acl", "_key", key(acl), null, acl);
  }

  private @Nullable ObjectNode remove(ObjectNode acl) {
    List<ObjectNode> found = Listing.where(objects, "acl", "_key", key(acl));
    return found.isEmpty() ? null : objects.delete("acl", found.get(0).get("id").asText());
  }

  private Reply list(Exchange ex) {
    for (String required : new String[] {"object_type", "object_id"}) {
      if (ex.param(required) == null) {
        throw HttpError.badRequest("query parameter '" + required + "' is required");
      }
    }
    return Listing.list(
        objects, ex, "acl", Map.of("object_type", "object_type", "object_id", "object_id"), false);
  }

  private ObjectNode deleteAcl(Fields body) {
    ObjectNode removed = remove(check(body, false));
    if (removed == null) {
      throw HttpError.notFound("no such acl");
    }
    return removed;
  }

  private Reply batch(Fields body) {
    List<ObjectNode> adds = items(body, "add_acls", true);
    List<ObjectNode> removes = items(body, "remove_acls", false);
    ObjectNode out = Json.object();
    ArrayNode added = out.putArray("added_acls");
    Set<String> seen = new HashSet<>();
    for (ObjectNode acl : adds) {
      ObjectNode stored = add(acl);
      if (seen.add(stored.get("id").asText())) {
        added.add(stored);
      }
    }
    ArrayNode removed = out.putArray("removed_acls");
    for (ObjectNode acl : removes) {
      ObjectNode gone = remove(acl);
      if (gone != null) {
        removed.add(gone);
      }
    }
    return Reply.ok(out);
  }

  private List<ObjectNode> items(Fields body, String field, boolean refs) {
    List<ObjectNode> out = new ArrayList<>();
    List<JsonNode> items = body.objects(field);
    if (items != null) {
      for (int i = 0; i < items.size(); i++) {
        out.add(check(Fields.nested(items.get(i), field + "[" + i + "]"), refs));
      }
    }
    return out;
  }
}
