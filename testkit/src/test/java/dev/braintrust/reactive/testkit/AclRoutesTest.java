package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /v1/role}, {@code /v1/group}, {@code /v1/acl} and {@code /v1/acl/batch_update}. */
@ExtendWith(BraintrustTestServerExtension.class)
class AclRoutesTest {
  private static final String PERMISSIONS =
      "create, create_acls, delete, delete_acls, read, read_acls, update, update_acls";

  private static String userAcl(String projectId, String userId, String grant) {
    return "{\"object_type\":\"project\",\"object_id\":\"%s\",\"user_id\":\"%s\",%s}"
        .formatted(projectId, userId, grant);
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(a -> out.add(a.get("id").asText()));
    return out;
  }

  @Test
  void theBuiltInRolesAreListedAndCustomRolesAreCreatedOnce(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);
    String body =
        "{\"name\":\"Auditor\",\"description\":\"reads\",\"member_permissions\":[{\"permission\":\"read\",\"restrict_object_type\":\"experiment\"}]}";

    JdkHttp.Res created = http.post("/v1/role", body);
    JdkHttp.Res again = http.post("/v1/role", "{\"name\":\"Auditor\"}");

    assertThat(http.get("/v1/role").each("name")).startsWith("Owner", "Engineer", "Viewer");
    JdkHttp.Res owner = http.get("/v1/role?role_name=Owner");
    assertThat(owner.each("id")).hasSize(1);
    assertThat(owner.json().get("objects").get(0).get("org_id").isNull()).isTrue();
    assertThat(created.get("org_id")).isEqualTo(server.orgId());
    assertThat(created.json().get("member_permissions").get(0).get("permission").asText())
        .isEqualTo("read");
    assertThat(again.get("id")).isEqualTo(created.get("id"));
    assertThat(again.get("description")).isEqualTo("reads");
    assertThat(http.get("/v1/role?role_name=Auditor&org_name=testkit").each("id"))
        .containsExactly(created.get("id"));
    assertThat(http.post("/v1/role", "{\"description\":\"x\"}").error(400))
        .isEqualTo("'name' is required");
    assertThat(
            http.post(
                    "/v1/role",
                    "{\"name\":\"R\",\"member_permissions\":[{\"permission\":\"all\"}]}")
                .error(400))
        .isEqualTo("'member_permissions[0].permission' must be one of " + PERMISSIONS);
  }

  @Test
  void groupsHoldUsersAndInvitedMembersJoinThem(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);

    JdkHttp.Res owners = http.get("/v1/group?group_name=Owners");
    JdkHttp.Res created =
        http.post(
            "/v1/group", "{\"name\":\"Reviewers\",\"member_users\":[\"" + server.userId() + "\"]}");
    http.patch(
        "/v1/organization/members",
        "{\"invite_users\":{\"emails\":[\"rita@example.com\"],\"group_names\":[\"Reviewers\"]}}");
    String rita = http.get("/v1/user?email=rita%40example.com").each("id").get(0);

    assertThat(owners.json().get("objects").get(0).get("member_users"))
        .extracting(JsonNode::asText)
        .containsExactly(server.userId());
    assertThat(created.get("org_id")).isEqualTo(server.orgId());
    assertThat(
            http.get("/v1/group?group_name=Reviewers")
                .json()
                .get("objects")
                .get(0)
                .get("member_users"))
        .extracting(JsonNode::asText)
        .containsExactly(server.userId(), rita);
    assertThat(http.post("/v1/group", "{\"name\":\"G\",\"member_users\":[\"nobody\"]}").error(404))
        .isEqualTo("user 'nobody' not found");
    assertThat(http.post("/v1/group", "{\"name\":\"G\",\"member_users\":\"nobody\"}").error(400))
        .isEqualTo("'member_users' must be an array of strings");
  }

  @Test
  void anAclIsCreatedOnceListedPerObjectAndDeletedByItsBody(BraintrustTestServer server) {
    String pid = server.createProject("acl-crud");
    JdkHttp http = new JdkHttp(server);
    String ownerRole = http.get("/v1/role?role_name=Owner").each("id").get(0);
    String acl = userAcl(pid, server.userId(), "\"role_id\":\"" + ownerRole + "\"");

    JdkHttp.Res created = http.post("/v1/acl", acl);
    JdkHttp.Res again = http.post("/v1/acl", acl);
    JdkHttp.Res read =
        http.post("/v1/acl", userAcl(pid, server.userId(), "\"permission\":\"read\""));
    JdkHttp.Res listed = http.get("/v1/acl?object_type=project&object_id=" + pid);

    assertThat(created.get("object_type")).isEqualTo("project");
    assertThat(created.get("object_id")).isEqualTo(pid);
    assertThat(created.get("user_id")).isEqualTo(server.userId());
    assertThat(created.get("role_id")).isEqualTo(ownerRole);
    assertThat(created.json().get("group_id").isNull()).isTrue();
    assertThat(created.json().get("permission").isNull()).isTrue();
    assertThat(again.get("id")).isEqualTo(created.get("id"));
    assertThat(listed.each("id")).containsExactly(created.get("id"), read.get("id"));

    JdkHttp.Res deleted = http.delete("/v1/acl", acl);

    assertThat(deleted.get("id")).isEqualTo(created.get("id"));
    assertThat(http.get("/v1/acl?object_type=project&object_id=" + pid).each("id"))
        .containsExactly(read.get("id"));
    assertThat(http.delete("/v1/acl", acl).error(404)).isEqualTo("no such acl");
  }

  @Test
  void badAclsAre400AndAclsOnMissingThingsAre404(BraintrustTestServer server) {
    String pid = server.createProject("acl-bad");
    JdkHttp http = new JdkHttp(server);
    String me = server.userId();

    assertThat(http.get("/v1/acl?object_type=project").error(400))
        .isEqualTo("query parameter 'object_id' is required");
    assertThat(http.post("/v1/acl", "{\"object_id\":\"" + pid + "\"}").error(400))
        .isEqualTo("'object_type' is required");
    assertThat(
            http.post(
                    "/v1/acl",
                    "{\"object_type\":\"project\",\"object_id\":\"%s\",\"user_id\":\"%s\",\"group_id\":\"g\",\"permission\":\"read\"}"
                        .formatted(pid, me))
                .error(400))
        .isEqualTo("exactly one of 'user_id' and 'group_id' is needed");
    assertThat(http.post("/v1/acl", userAcl(pid, me, "\"description\":\"x\"")).error(400))
        .isEqualTo("exactly one of 'permission' and 'role_id' is needed");
    assertThat(http.post("/v1/acl", userAcl(pid, me, "\"permission\":\"admin\"")).error(400))
        .isEqualTo("'permission' must be one of " + PERMISSIONS);
    assertThat(
            http.post(
                    "/v1/acl",
                    "{\"object_type\":\"galaxy\",\"object_id\":\"x\",\"user_id\":\"%s\",\"permission\":\"read\"}"
                        .formatted(me))
                .status())
        .isEqualTo(400);
    assertThat(http.post("/v1/acl", userAcl("nope", me, "\"permission\":\"read\"")).error(404))
        .isEqualTo("project 'nope' not found");
    assertThat(http.post("/v1/acl", userAcl(pid, "ghost", "\"permission\":\"read\"")).error(404))
        .isEqualTo("user 'ghost' not found");
    assertThat(http.post("/v1/acl", userAcl(pid, me, "\"role_id\":\"nope\"")).error(404))
        .isEqualTo("role 'nope' not found");
    assertThat(
            http.post(
                    "/v1/acl",
                    "{\"object_type\":\"organization\",\"object_id\":\"other\",\"user_id\":\"%s\",\"permission\":\"read\"}"
                        .formatted(me))
                .error(404))
        .isEqualTo("organization 'other' not found");
    assertThat(http.get("/v1/acl?object_type=project&object_id=" + pid).each("id")).isEmpty();
  }

  @Test
  void batchUpdateAddsThenRemovesAndChecksEveryItemFirst(BraintrustTestServer server) {
    String pid = server.createProject("acl-batch");
    JdkHttp http = new JdkHttp(server);
    String me = server.userId();
    String read = userAcl(pid, me, "\"permission\":\"read\"");
    String update = userAcl(pid, me, "\"permission\":\"update\"");
    String delete = userAcl(pid, me, "\"permission\":\"delete\"");
    String existing = http.post("/v1/acl", read).get("id");
    String toRemove = http.post("/v1/acl", delete).get("id");

    JdkHttp.Res bad =
        http.post(
            "/v1/acl/batch_update",
            "{\"add_acls\":[" + update + "," + userAcl(pid, me, "\"permission\":\"fly\"") + "]}");
    List<String> afterBad =
        http.get("/v1/acl?object_type=project&object_id=" + pid).each("permission");
    JdkHttp.Res batch =
        http.post(
            "/v1/acl/batch_update",
            "{\"add_acls\":[%s,%s],\"remove_acls\":[%s,%s]}"
                .formatted(read, update, delete, userAcl(pid, me, "\"permission\":\"create\"")));

    assertThat(bad.error(400)).isEqualTo("'add_acls[1].permission' must be one of " + PERMISSIONS);
    assertThat(afterBad).containsExactly("read", "delete");
    assertThat(batch.status()).isEqualTo(200);
    List<String> added = ids(batch.json().get("added_acls"));
    assertThat(added).hasSize(2).contains(existing);
    assertThat(ids(batch.json().get("removed_acls"))).containsExactly(toRemove);
    assertThat(http.get("/v1/acl?object_type=project&object_id=" + pid).each("permission"))
        .containsExactly("read", "update");
    assertThat(http.post("/v1/acl/batch_update", "{\"remove_acls\":{}}").error(400))
        .isEqualTo("'remove_acls' must be an array of objects");
  }
}
