package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The network options refuse values that make no sense, with a message naming the option. */
class NetworkOptionsTest {
  static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
  static final Class<NullPointerException> NPE = NullPointerException.class;
  static final Duration S = Duration.ofSeconds(1);

  static Arguments bad(
      String name,
      Class<? extends Throwable> type,
      Consumer<BraintrustClientBuilder> set,
      String message) {
    return Arguments.of(name, type, set, message);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        bad("orgName null", IAE, b -> b.orgName(null), "orgName must not be null or blank"),
        bad(
            "orgName with LF",
            IAE,
            b -> b.orgName("a\nb"),
            "orgName must not contain control characters such as CR or LF (found one at index 1)"),
        bad(
            "header name null",
            IAE,
            b -> b.header(null, "v"),
            "header name must not be null or blank"),
        bad(
            "header name not a token",
            IAE,
            b -> b.header("X Route", "v"),
            "header name 'X Route' is not an HTTP token (invalid character at index 1)"),
        bad(
            "header name with CR",
            IAE,
            b -> b.header("X-A\r\nX-B", "v"),
            "header name 'X-A??X-B' is not an HTTP token (invalid character at index 3)"),
        bad(
            "header value with LF",
            IAE,
            b -> b.header("X-Route", "secret\nX-Injected: 1"),
            "header 'X-Route' must not contain control characters such as CR or LF (found one at"
                + " index 6)"),
        bad(
            "header value blank",
            IAE,
            b -> b.header("X-Route", " "),
            "header 'X-Route' must not be null or blank"),
        bad(
            "header Authorization",
            IAE,
            b -> b.header("authorization", "Bearer x"),
            "header 'authorization' is set by the client and cannot be added: it carries the API"
                + " key; use apiKey(...)"),
        bad(
            "header org name",
            IAE,
            b -> b.header("X-BT-Org-Name", "x"),
            "header 'X-BT-Org-Name' is set by the client and cannot be added: use orgName(...)"),
        bad(
            "header User-Agent",
            IAE,
            b -> b.header("User-Agent", "x"),
            "header 'User-Agent' is set by the client and cannot be added: the client names"
                + " itself and its version"),
        bad(
            "header Host",
            IAE,
            b -> b.header("Host", "x"),
            "header 'Host' is set by the client and cannot be added: it comes from the base URL"),
        bad(
            "connectTimeout zero",
            IAE,
            b -> b.connectTimeout(Duration.ZERO),
            "connectTimeout must be positive, got PT0S"),
        bad("connectTimeout null", NPE, b -> b.connectTimeout(null), "connectTimeout"),
        bad(
            "maxIdleTime negative",
            IAE,
            b -> b.maxIdleTime(S.negated()),
            "maxIdleTime must be positive, got PT-1S"),
        bad("maxIdleTime null", NPE, b -> b.maxIdleTime(null), "maxIdleTime"),
        bad("proxy null", NPE, b -> b.proxy(null), "proxy"),
        bad("trustStore null", NPE, b -> b.trustStore(null), "trustStore"),
        bad(
            "trustedCertificates null",
            NPE,
            b -> b.trustedCertificates(null),
            "trustedCertificates"),
        bad("sslContext null", NPE, b -> b.sslContext(null), "sslContext"),
        bad(
            "proxy host blank",
            IAE,
            b -> ProxyOptions.builder().host(" "),
            "proxy host must not be null or blank"),
        bad(
            "proxy host a URL",
            IAE,
            b -> ProxyOptions.builder().host("http://proxy:3128"),
            "proxy host must be a host name or address, not a URL, got 'http://proxy:3128'"),
        bad(
            "proxy port 0",
            IAE,
            b -> ProxyOptions.builder().port(0),
            "proxy port must be between 1 and 65535, got 0"),
        bad(
            "proxy port too big",
            IAE,
            b -> ProxyOptions.builder().port(65_536),
            "proxy port must be between 1 and 65535, got 65536"),
        bad(
            "proxy without host",
            IAE,
            b -> ProxyOptions.builder().port(3128).build(),
            "proxy host must be set"),
        bad(
            "proxy without port",
            IAE,
            b -> ProxyOptions.builder().host("proxy").build(),
            "proxy port must be set"),
        bad(
            "proxy user with colon",
            IAE,
            b -> ProxyOptions.builder().credentials("a:b", "pw"),
            "proxy user name must not contain ':'"),
        bad(
            "proxy user null",
            IAE,
            b -> ProxyOptions.builder().credentials(null, "pw"),
            "proxy credentials need both a user name and a password"),
        bad(
            "proxy password empty",
            IAE,
            b -> ProxyOptions.builder().credentials("u", ""),
            "proxy password must not be null or empty"),
        bad(
            "nonProxyHosts with LF",
            IAE,
            b -> ProxyOptions.builder().nonProxyHosts("a\nb"),
            "nonProxyHosts must not contain control characters such as CR or LF (found one at"
                + " index 1)"),
        bad(
            "nonProxyHosts null",
            NPE,
            b -> ProxyOptions.builder().nonProxyHosts(null),
            "nonProxyHosts"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachOptionRefusesValuesThatMakeNoSense(
      String name,
      Class<? extends Throwable> type,
      Consumer<BraintrustClientBuilder> set,
      String message) {
    assertThatThrownBy(() -> set.accept(BraintrustClient.builder()))
        .isInstanceOf(type)
        .hasMessage(message);
  }

  @Test
  void fromEnvironmentNeedsTheKeyAndReadsTheOrgName() {
    assertThatThrownBy(() -> BraintrustClient.builder().fromEnvironment(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("BRAINTRUST_API_KEY is not set");
    BraintrustClient client =
        BraintrustClient.builder()
            .fromEnvironment(
                Map.of(
                    "BRAINTRUST_API_KEY", "k",
                    "BRAINTRUST_API_URL", BraintrustClient.EU_URL,
                    "BRAINTRUST_ORG_NAME", "Acme"))
            .build();
    assertThat(client.baseUrl()).isEqualTo(BraintrustClient.EU_URL);
    client.close();
  }
}
