package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The organization and its members: {@code GET /v1/organization} (the one seeded organization),
 * {@code GET /v1/user} (its members, the key's owner first) and {@code PATCH
 * /v1/organization/members}, which invites users by id or email (an unknown email makes a new
 * user), optionally into groups, and removes users by id or email; and {@code POST
 * /api/apikey/login}, which the SDKs call to learn the key's organization.
 */
public final class OrgHandler {
  private final ObjectStore objects;
  private final Supplier<String> baseUrl;

  /**
   * A handler over the organization, users and groups in {@code objects}; the login answer names
   * {@code baseUrl} as the organization's API and proxy URL.
   */
  public OrgHandler(ObjectStore objects, Supplier<String> baseUrl) {
    this.objects = objects;
    this.baseUrl = baseUrl;
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    Listing.listRoute(routes, objects, "organization", Map.of("org_name", "name"), false);
    Listing.listRoute(routes, objects, "user", Map.of("email", "email"), false);
    routes.on(
        "PATCH",
        "/v1/organization/members",
        (ex, p) -> {
          members(Fields.of(ex.body()));
          return Reply.ok(Json.object());
        });
    // Not in the OpenAPI file; the official SDKs call it to learn the key's organizations
    // (the gateway has already checked the key in the Authorization header).
    routes.on("POST", "/api/apikey/login", (ex, p) -> Reply.ok(login()));
  }

  private ObjectNode login() {
    ObjectNode org =
        Json.object()
            .put("id", Seeds.ORG_ID)
            .put("name", Seeds.ORG_NAME)
            .put("api_url", baseUrl.get())
            .put("proxy_url", baseUrl.get())
            .put("is_universal_api", true);
    org.putNull("git_metadata");
    ObjectNode out = Json.object();
    out.putArray("org_info").add(org);
    return out;
  }

  private void members(Fields body) {
    String orgId = body.string("org_id");
    if (orgId != null && !orgId.equals(Seeds.ORG_ID)) {
      throw HttpError.notFound("organization '" + orgId + "' not found");
    }
    Listing.checkOrg(body.string("org_name"));
    JsonNode invite = body.object("invite_users");
    JsonNode remove = body.object("remove_users");
    // Resolve everything first, so a bad reference changes nothing.
    List<String> invitedIds = new ArrayList<>();
    List<String> newEmails = new ArrayList<>();
    Set<String> groups = new LinkedHashSet<>();
    if (invite != null) {
      Fields f = Fields.nested(invite, "invite_users");
      for (String id : list(f.strings("ids"))) {
        invitedIds.add(Listing.existing(objects, "user", id).get("id").asText());
      }
      for (String email : list(f.strings("emails"))) {
        ObjectNode user = userByEmail(email);
        if (user == null) {
          newEmails.add(email);
        } else {
          invitedIds.add(user.get("id").asText());
        }
      }
      for (String id : list(f.strings("group_ids"))) {
        groups.add(Listing.existing(objects, "group", id).get("id").asText());
      }
      for (String name : list(f.strings("group_names"))) {
        List<ObjectNode> named = Listing.where(objects, "group", "name", name);
        if (named.isEmpty()) {
          throw HttpError.notFound("group '" + name + "' not found");
        }
        groups.add(named.get(0).get("id").asText());
      }
      f.bool("send_invite_emails");
    }
    List<String> removedIds = new ArrayList<>();
    if (remove != null) {
      Fields f = Fields.nested(remove, "remove_users");
      for (String id : list(f.strings("ids"))) {
        if (objects.get("user", id) != null) {
          removedIds.add(id);
        }
      }
      for (String email : list(f.strings("emails"))) {
        ObjectNode user = userByEmail(email);
        if (user != null) {
          removedIds.add(user.get("id").asText());
        }
      }
    }
    for (String email : newEmails) {
      invitedIds.add(
          objects.getOrCreate("user", "email", email, null, Json.object()).get("id").asText());
    }
    for (String groupId : groups) {
      changeMembers(groupId, invitedIds, List.of());
    }
    for (String id : removedIds) {
      objects.delete("user", id);
      for (ObjectNode group : objects.list("group", Map.of())) {
        changeMembers(group.get("id").asText(), List.of(), List.of(id));
      }
    }
  }

  private @Nullable ObjectNode userByEmail(String email) {
    List<ObjectNode> found = Listing.where(objects, "user", "email", email);
    return found.isEmpty() ? null : found.get(0);
  }

  /** Adds and removes user ids in a group's {@code member_users}. */
  private void changeMembers(String groupId, List<String> add, List<String> drop) {
    ObjectNode group = objects.get("group", groupId);
    if (group == null) {
      return;
    }
    Set<String> members = new LinkedHashSet<>();
    group.path("member_users").forEach(m -> members.add(m.asText()));
    boolean changed = members.addAll(add);
    changed |= members.removeAll(drop);
    if (!changed) {
      return;
    }
    ObjectNode patch = Json.object();
    ArrayNode users = patch.putArray("member_users");
    members.forEach(users::add);
    objects.patch("group", groupId, patch);
  }

  private static List<String> list(@Nullable List<String> values) {
    return values == null ? List.of() : values;
  }
}
