package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every operation of the OpenAPI spec, plus {@code POST /btql}, has a route: none is answered 405
 * or "no route", whatever it makes of the (empty) request.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class SpecCoverageTest {
  private static final List<String> OPERATIONS =
      List.of(
          "GET /v1/project",
          "POST /v1/project",
          "GET /v1/project/x",
          "PATCH /v1/project/x",
          "DELETE /v1/project/x",
          "GET /v1/experiment",
          "POST /v1/experiment",
          "GET /v1/experiment/x",
          "PATCH /v1/experiment/x",
          "DELETE /v1/experiment/x",
          "POST /v1/experiment/x/insert",
          "POST /v1/experiment/x/fetch",
          "GET /v1/experiment/x/fetch",
          "POST /v1/experiment/x/feedback",
          "GET /v1/experiment/x/summarize",
          "POST /v1/eval",
          "GET /v1/dataset",
          "POST /v1/dataset",
          "GET /v1/dataset/x",
          "PATCH /v1/dataset/x",
          "DELETE /v1/dataset/x",
          "POST /v1/dataset/x/insert",
          "POST /v1/dataset/x/fetch",
          "GET /v1/dataset/x/fetch",
          "POST /v1/dataset/x/feedback",
          "GET /v1/dataset/x/summarize",
          "POST /v1/project_logs/x/insert",
          "POST /v1/project_logs/x/fetch",
          "GET /v1/project_logs/x/fetch",
          "POST /v1/project_logs/x/feedback",
          "GET /v1/prompt",
          "POST /v1/prompt",
          "PUT /v1/prompt",
          "GET /v1/prompt/x",
          "PATCH /v1/prompt/x",
          "DELETE /v1/prompt/x",
          "GET /v1/function",
          "POST /v1/function",
          "PUT /v1/function",
          "GET /v1/function/x",
          "PATCH /v1/function/x",
          "DELETE /v1/function/x",
          "POST /v1/function/x/invoke",
          "GET /v1/project_score",
          "POST /v1/project_score",
          "GET /v1/project_score/x",
          "DELETE /v1/project_score/x",
          "GET /v1/project_tag",
          "POST /v1/project_tag",
          "GET /v1/view",
          "GET /v1/organization",
          "PATCH /v1/organization/members",
          "GET /v1/user",
          "GET /v1/role",
          "POST /v1/role",
          "GET /v1/group",
          "POST /v1/group",
          "GET /v1/acl",
          "POST /v1/acl",
          "DELETE /v1/acl",
          "POST /v1/acl/batch_update",
          "GET /v1/api_key",
          "GET /v1/api_key/x",
          "DELETE /v1/api_key/x",
          "GET /v1/ai_secret",
          "POST /v1/ai_secret",
          "POST /v1/proxy/chat/completions",
          "POST /v1/proxy/embeddings",
          "POST /v1/proxy/credentials");

  @Test
  void everySpecOperationAndBtqlHasARoute(BraintrustTestServer server) {
    JdkHttp http = new JdkHttp(server);
    assertThat(OPERATIONS).hasSize(69).doesNotHaveDuplicates();

    for (String op : OPERATIONS) {
      assertRouted(http, op);
    }
    assertRouted(http, "POST /btql");
  }

  private static void assertRouted(JdkHttp http, String op) {
    String[] parts = op.split(" ");
    boolean sendsBody = !parts[0].equals("GET") && !parts[1].endsWith("/x");
    JdkHttp.Res r = http.send(parts[0], parts[1], sendsBody ? "{}" : null);
    assertThat(r.status()).as(op + ": " + r.text()).isNotEqualTo(405);
    assertThat(r.text()).as(op).doesNotContain("no route for");
  }
}
