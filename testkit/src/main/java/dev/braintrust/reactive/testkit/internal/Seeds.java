package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The organization every object belongs to, the user who owns the API key, the key itself, and the
 * built-in roles and owners group, with fixed ids so tests can name them.
 */
public final class Seeds {
  /** The organization's id. */
  public static final String ORG_ID = "00000000-0000-4000-8000-000000000001";

  /** The organization's name. */
  public static final String ORG_NAME = "testkit";

  /** The id of the user owning the API key. */
  public static final String USER_ID = "00000000-0000-4000-8000-000000000002";

  /** The email of the user owning the API key. */
  public static final String USER_EMAIL = "test-user@example.com";

  /** The id of the API key the server accepts. */
  public static final String API_KEY_ID = "00000000-0000-4000-8000-000000000003";

  /** The id of the built-in Owner role. */
  public static final String OWNER_ROLE_ID = "00000000-0000-4000-8000-000000000010";

  /** The id of the Owners group, whose only member is the user. */
  public static final String OWNERS_GROUP_ID = "00000000-0000-4000-8000-000000000020";

  private Seeds() {}

  /** Stores the organization, user, key, roles and group. */
  public static void plant(ObjectStore objects, String apiKey) {
    objects.seed("organization", ORG_ID, Json.object().put("name", ORG_NAME));
    objects.seed(
        "user",
        USER_ID,
        Json.object()
            .put("given_name", "Test")
            .put("family_name", "User")
            .put("email", USER_EMAIL));
    String tail = apiKey.length() <= 4 ? "" : apiKey.substring(apiKey.length() - 4);
    objects.seed(
        "api_key",
        API_KEY_ID,
        Json.object()
            .put("name", "testkit")
            .put("preview_name", "..." + tail)
            .put("user_id", USER_ID)
            .put("org_id", ORG_ID));
    String[][] roles = {
      {OWNER_ROLE_ID, "Owner", "Unrestricted access to the organization"},
      {"00000000-0000-4000-8000-000000000011", "Engineer", "Can create and edit objects"},
      {"00000000-0000-4000-8000-000000000012", "Viewer", "Can read objects"}
    };
    for (String[] r : roles) {
      // Built-in roles belong to no organization, as the API's system roles do.
      objects.seed("role", r[0], Json.object().put("name", r[1]).put("description", r[2]));
    }
    ObjectNode owners =
        Json.object()
            .put("org_id", ORG_ID)
            .put("name", "Owners")
            .put("description", "Members with the Owner role");
    owners.putArray("member_users").add(USER_ID);
    owners.putArray("member_groups");
    objects.seed("group", OWNERS_GROUP_ID, owners);
  }
}
