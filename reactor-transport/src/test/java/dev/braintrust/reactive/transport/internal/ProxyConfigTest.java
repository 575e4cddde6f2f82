package dev.braintrust.reactive.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyConfigTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(
      delimiter = ';',
      value = {
        "*.internal|localhost; api.internal; true",
        "*.internal|localhost; LOCALHOST; true",
        "*.internal|localhost; internal.example.com; false",
        "127.*; 127.0.0.1; true",
        "127.*; 10.127.0.1; false",
        "*; api.braintrust.dev; true",
        "[::1]; ::1; true",
        "::1; [::1]; true",
        "*corp*; x.corp.example; true",
        "api.braintrust.dev; api.braintrust.dev.evil.example; false",
        "' | '; api.braintrust.dev; false"
      })
  void nonProxyHostsFollowTheJvmSyntax(String pattern, String host, boolean bypassed) {
    assertThat(ProxyConfig.matches(pattern, host)).isEqualTo(bypassed);
  }

  @Test
  void noProxyIsReadAsCurlReadsIt() {
    List<String> unsupported = new ArrayList<>();
    String p =
        ProxyConfig.noProxyPattern(
            " example.com, .corp.example,*.svc  10.0.0.7 ,[::1]:8080,internal:443,10.0.0.0/8,",
            unsupported);

    assertThat(p)
        .isEqualTo(
            "example.com|*.example.com|corp.example|*.corp.example|svc|*.svc|10.0.0.7|[::1]"
                + "|internal|*.internal");
    assertThat(unsupported).containsExactly("10.0.0.0/8");
    assertThat(ProxyConfig.matches(p, "api.example.com")).isTrue();
    assertThat(ProxyConfig.matches(p, "corp.example")).isTrue();
    assertThat(ProxyConfig.matches(p, "notexample.com")).isFalse();
    assertThat(ProxyConfig.noProxyPattern("localhost,*", unsupported)).isEqualTo("*");
    assertThat(ProxyConfig.noProxyPattern(null, unsupported)).isEmpty();
  }

  @Test
  void aProxyUrlMayLeaveOutTheSchemeAndPortAndEncodeItsCredentials() {
    assertThat(ProxyRouting.fromUrl("HTTPS_PROXY", "proxy.corp:3128", ""))
        .isEqualTo(new ProxyConfig("proxy.corp", 3128, null, null, ""));
    assertThat(ProxyRouting.fromUrl("HTTPS_PROXY", " http://proxy.corp/ ", "x"))
        .isEqualTo(new ProxyConfig("proxy.corp", 80, null, null, "x"));
    assertThat(ProxyRouting.fromUrl("HTTPS_PROXY", "http://d%5Cuser:a+b%2F@10.0.0.1:8080", ""))
        .isEqualTo(new ProxyConfig("10.0.0.1", 8080, "d\\user", "a+b/", ""));
  }

  @Test
  void theEnvironmentPicksTheVariableForTheUrlsScheme() {
    URI https = URI.create("https://api.braintrust.dev");
    URI http = URI.create("http://localhost:8787");
    Map<String, String> env =
        Map.of(
            "HTTPS_PROXY", "http://upper:3128",
            "https_proxy", "http://lower:3128",
            "HTTP_PROXY", "http://plain:3128",
            "NO_PROXY", "localhost");

    assertThat(ProxyRouting.fromEnvironment(env, https).host()).isEqualTo("lower");
    ProxyConfig forHttp = ProxyRouting.fromEnvironment(env, http);
    assertThat(forHttp.host()).isEqualTo("plain");
    assertThat(ProxyRouting.forTarget(forHttp, http)).isNull();
    assertThat(ProxyRouting.forTarget(forHttp, https)).isSameAs(forHttp);
    assertThat(ProxyRouting.fromEnvironment(Map.of("NO_PROXY", "x"), https)).isNull();
  }

  @Test
  void toStringHidesThePassword() {
    ProxyConfig p = new ProxyConfig("proxy", 3128, "alice", "s3cret-password", "");
    assertThat(p.toString()).isEqualTo("proxy proxy:3128 as alice (password hidden)");
    assertThat(new ClientConfigToString(p).text()).doesNotContain("s3cret-password");
  }

  /** ClientConfig's text for a config with this proxy. */
  record ClientConfigToString(ProxyConfig proxy) {
    String text() {
      return new ClientConfig(
              "https://api.braintrust.dev",
              "sk-key-123456",
              null,
              "Acme",
              Map.of("X-Route", "secret-route"),
              true,
              1,
              1000,
              0,
              java.time.Duration.ofMillis(1),
              java.time.Duration.ofMillis(1),
              java.time.Duration.ofMillis(1),
              java.time.Duration.ofMillis(1),
              java.time.Duration.ofMillis(1),
              java.time.Duration.ofMillis(1),
              1,
              proxy,
              null,
              null,
              null,
              null,
              null)
          .toString();
    }
  }
}
