package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests through a real forward proxy on loopback: explicit options, credentials, non-proxy
 * hosts, the environment and the JVM's system properties. The proxy records what it was asked, so
 * "bypassed" means it saw nothing at all.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class ProxyTest {
  static final Duration T = Duration.ofSeconds(10);
  static final String PASSWORD = "proxy-pass-7f3a9c";

  static BraintrustClientBuilder client(BraintrustTestServer server) {
    return BraintrustClient.builder()
        .apiKey(server.apiKey())
        .baseUrl(server.baseUrl())
        .backoff(Duration.ofMillis(1), Duration.ofMillis(5));
  }

  static String tunnelTo(BraintrustTestServer server) {
    return "127.0.0.1:" + server.port();
  }

  @Test
  void callsAndInsertsReachTheServerThroughTheProxy(BraintrustTestServer server) throws Exception {
    String pid = server.createProject("through-proxy");
    try (TestProxy proxy = TestProxy.open()) {
      BraintrustClient client = client(server).proxy(proxy.options().build()).build();

      client.insert(Destination.projectLogs(pid), ClientSecurityTest.batch("a")).block(T);
      JsonNode project = client.resource(Resource.PROJECT).get(pid).block(T);

      assertThat(project.path("name").asText()).isEqualTo("through-proxy");
      assertThat(server.projectLogs(pid)).hasSize(1);
      assertThat(proxy.seen)
          .isNotEmpty()
          .allSatisfy(
              s -> {
                assertThat(s.method()).isEqualTo("CONNECT");
                assertThat(s.target()).isEqualTo(tunnelTo(server));
                assertThat(s.status()).isEqualTo(200);
                assertThat(s.proxyAuthorization()).isEmpty();
              });
      client.close();
    }
  }

  @Test
  void aProxyThatWantsCredentialsGetsThemAnd407IsAClearUnretriedError(BraintrustTestServer server)
      throws Exception {
    String pid = server.createProject("auth-proxy");
    try (TestProxy proxy = TestProxy.requiring("alice", PASSWORD)) {
      BraintrustClient anonymous = client(server).proxy(proxy.options().build()).build();
      Throwable refused =
          anonymous.resource(Resource.PROJECT).get(pid).materialize().block(T).getThrowable();

      assertThat(refused)
          .isInstanceOf(BraintrustException.class)
          .hasMessageStartingWith(
              "the proxy 127.0.0.1:" + proxy.port() + " answered 407 Proxy Authentication Required")
          .hasMessageContaining("credentials(...)");
      assertThat(proxy.seen).hasSize(1);
      assertThat(proxy.seen.get(0).status()).isEqualTo(407);

      BraintrustClient wrong =
          client(server)
              .proxy(proxy.options().credentials("alice", "not-" + PASSWORD).build())
              .build();
      Throwable badPassword =
          wrong.resource(Resource.PROJECT).get(pid).materialize().block(T).getThrowable();
      assertThat(badPassword)
          .hasMessageContaining("refused the credentials of user 'alice'")
          .hasMessageNotContaining(PASSWORD);
      assertThat(badPassword.toString()).doesNotContain(PASSWORD);
      assertThat(server.requests()).isEmpty();

      proxy.seen.clear();
      BraintrustClient client =
          client(server).proxy(proxy.options().credentials("alice", PASSWORD).build()).build();
      assertThat(client.resource(Resource.PROJECT).get(pid).block(T).path("id").asText())
          .isEqualTo(pid);
      assertThat(proxy.seen)
          .extracting(TestProxy.Seen::proxyAuthorization)
          .containsOnly(TestProxy.basic("alice", PASSWORD));
      assertThat(client.toString()).doesNotContain(PASSWORD);
      for (BraintrustClient c : List.of(anonymous, wrong, client)) {
        c.close();
      }
    }
  }

  @Test
  void theExportersInsertIsNotRetriedOnA407Either(BraintrustTestServer server) throws Exception {
    String pid = server.createProject("auth-proxy-insert");
    try (TestProxy proxy = TestProxy.requiring("alice", PASSWORD)) {
      BraintrustClient client = client(server).proxy(proxy.options().build()).build();

      Throwable e =
          client
              .insertOnce(Destination.projectLogs(pid), ClientSecurityTest.batch("a"))
              .materialize()
              .block(T)
              .getThrowable();

      // Not a BraintrustConnectionException: the exporter would pause and try again forever.
      assertThat(e).isExactlyInstanceOf(BraintrustException.class).hasMessageContaining("407");
      client.close();
    }
  }

  @Test
  void nonProxyHostsGoDirect(BraintrustTestServer server) throws Exception {
    String pid = server.createProject("bypass");
    try (TestProxy proxy = TestProxy.open()) {
      BraintrustClient client =
          client(server)
              .proxy(proxy.options().nonProxyHosts("*.internal|127.0.0.*").build())
              .build();

      client.resource(Resource.PROJECT).get(pid).block(T);

      assertThat(server.requests()).hasSize(1);
      assertThat(proxy.seen).isEmpty();
      client.close();
    }
  }

  @Test
  void theEnvironmentsProxyIsUsedUnlessNoProxyNamesTheHost(BraintrustTestServer server)
      throws Exception {
    String pid = server.createProject("env");
    try (TestProxy proxy = TestProxy.requiring("bob", "p@ss:" + PASSWORD)) {
      Map<String, String> env = new HashMap<>();
      env.put("BRAINTRUST_API_KEY", server.apiKey());
      env.put("BRAINTRUST_API_URL", server.baseUrl());
      // Percent-encoded, as in any URL: '@' and ':' inside the password.
      env.put("HTTP_PROXY", "http://bob:p%40ss%3A" + PASSWORD + "@127.0.0.1:" + proxy.port());
      BraintrustClient proxied = BraintrustClient.builder().fromEnvironment(env).build();
      proxied.resource(Resource.PROJECT).get(pid).block(T);
      assertThat(proxy.seen)
          .extracting(TestProxy.Seen::target, TestProxy.Seen::proxyAuthorization)
          .containsOnly(
              org.assertj.core.groups.Tuple.tuple(
                  tunnelTo(server), TestProxy.basic("bob", "p@ss:" + PASSWORD)));

      proxy.seen.clear();
      env.put("NO_PROXY", "example.com, .internal,127.0.0.1:" + server.port());
      BraintrustClient direct = BraintrustClient.builder().fromEnvironment(env).build();
      direct.resource(Resource.PROJECT).get(pid).block(T);
      assertThat(proxy.seen).isEmpty();

      // An explicit choice beats the environment.
      env.remove("NO_PROXY");
      BraintrustClient none =
          BraintrustClient.builder().fromEnvironment(env).proxy(ProxyOptions.none()).build();
      none.resource(Resource.PROJECT).get(pid).block(T);
      assertThat(proxy.seen).isEmpty();
      assertThat(server.requests()).hasSize(3);
      for (BraintrustClient c : List.of(proxied, direct, none)) {
        c.close();
      }
    }
  }

  @Test
  void theJvmsProxyPropertiesApplyByDefault(BraintrustTestServer server) throws Exception {
    String pid = server.createProject("jvm");
    Map<String, String> saved = new HashMap<>();
    List<String> keys =
        List.of(
            "http.proxyHost",
            "http.proxyPort",
            "http.nonProxyHosts",
            "http.proxyUser",
            "http.proxyPassword");
    for (String k : keys) {
      saved.put(k, System.getProperty(k));
    }
    try (TestProxy proxy = TestProxy.requiring("carol", PASSWORD)) {
      System.setProperty("http.proxyHost", "127.0.0.1");
      System.setProperty("http.proxyPort", Integer.toString(proxy.port()));
      System.setProperty("http.proxyUser", "carol");
      System.setProperty("http.proxyPassword", PASSWORD);
      // Empty: the JVM adds its default (localhost|127.*|[::1]...) to any other value, and the
      // test server is on loopback.
      System.setProperty("http.nonProxyHosts", "");
      BraintrustClient viaProperties = client(server).build();
      viaProperties.resource(Resource.PROJECT).get(pid).block(T);
      assertThat(proxy.seen)
          .extracting(TestProxy.Seen::proxyAuthorization)
          .containsOnly(TestProxy.basic("carol", PASSWORD));

      proxy.seen.clear();
      System.clearProperty("http.nonProxyHosts");
      BraintrustClient loopbackBypassed = client(server).build();
      BraintrustClient turnedOff = client(server).proxy(ProxyOptions.none()).build();
      System.setProperty("http.nonProxyHosts", "");
      BraintrustClient turnedOffToo = client(server).proxy(ProxyOptions.none()).build();
      for (BraintrustClient c : List.of(loopbackBypassed, turnedOff, turnedOffToo)) {
        c.resource(Resource.PROJECT).get(pid).block(T);
        c.close();
      }
      assertThat(proxy.seen).isEmpty();
      assertThat(server.requests()).hasSize(4);
      viaProperties.close();
    } finally {
      saved.forEach(
          (k, v) -> {
            if (v == null) {
              System.clearProperty(k);
            } else {
              System.setProperty(k, v);
            }
          });
    }
  }

  @Test
  void thePasswordIsNeverShown() {
    ProxyOptions options =
        ProxyOptions.builder()
            .host("proxy.example.com")
            .port(3128)
            .credentials("alice", PASSWORD)
            .nonProxyHosts("*.internal")
            .build();
    assertThat(options.toString())
        .isEqualTo(
            "ProxyOptions{proxy proxy.example.com:3128 as alice (password hidden),"
                + " not for *.internal}")
        .doesNotContain(PASSWORD);
    assertThat(ProxyOptions.none().toString()).isEqualTo("ProxyOptions{none}");
    BraintrustClient client = BraintrustClient.builder().apiKey("k").proxy(options).build();
    assertThat(client.toString()).doesNotContain(PASSWORD);
    client.close();

    Map<String, String> env = new HashMap<>();
    env.put("BRAINTRUST_API_KEY", "k");
    for (String bad :
        List.of(
            "http://alice:" + PASSWORD + "@proxy:notaport",
            "http://alice:" + PASSWORD + "%zz@proxy:3128",
            "https://alice:" + PASSWORD + "@proxy:3128",
            "http://alice:" + PASSWORD + "@")) {
      env.put("HTTPS_PROXY", bad);
      assertThatThrownBy(() -> BraintrustClient.builder().fromEnvironment(env).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("HTTPS_PROXY ")
          .hasNoCause()
          .message()
          .doesNotContain(PASSWORD);
    }
    assertThatThrownBy(
            () -> ProxyOptions.builder().credentials("alice", PASSWORD + "\r\nX-Injected: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("proxy password must not contain control characters (found one at index 17)");
  }
}
