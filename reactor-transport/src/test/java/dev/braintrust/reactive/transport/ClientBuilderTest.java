package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every builder option refuses values that make no sense, with a message naming the option. */
class ClientBuilderTest {
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
        bad("apiKey null", IAE, b -> b.apiKey(null), "apiKey must not be null or blank"),
        bad("apiKey blank", IAE, b -> b.apiKey(" \n"), "apiKey must not be null or blank"),
        bad(
            "apiKey with LF",
            IAE,
            b -> b.apiKey("a\nb"),
            "apiKey must not contain control characters such as CR or LF (found one at index 1)"),
        bad(
            "apiKey never set",
            IAE,
            BraintrustClientBuilder::build,
            "apiKey must not be null or blank"),
        bad("baseUrl null", NPE, b -> b.baseUrl(null), "baseUrl"),
        bad(
            "baseUrl not http",
            IAE,
            b -> b.apiKey("k").baseUrl("ftp://x").build(),
            "baseUrl 'ftp://x' must be an http(s) URL with a host"),
        bad(
            "baseUrl with user info",
            IAE,
            b -> b.apiKey("k").baseUrl("https://u:p@api.example.com").build(),
            "baseUrl 'https://u:p@api.example.com' must not carry user info, a query or a fragment"),
        bad(
            "impersonateUser null",
            IAE,
            b -> b.impersonateUser(null),
            "impersonateUser must not be null or blank"),
        bad(
            "impersonateUser blank",
            IAE,
            b -> b.impersonateUser(""),
            "impersonateUser must not be null or blank"),
        bad(
            "impersonateUser with CR",
            IAE,
            b -> b.impersonateUser("u\rx"),
            "impersonateUser must not contain control characters such as CR or LF (found one at index 1)"),
        bad("gzipLevel 0", IAE, b -> b.gzipLevel(0), "gzipLevel must be between 1 and 9, got 0"),
        bad("gzipLevel 10", IAE, b -> b.gzipLevel(10), "gzipLevel must be between 1 and 9, got 10"),
        bad(
            "maxRequestBytes 0",
            IAE,
            b -> b.maxRequestBytes(0),
            "maxRequestBytes must be at least 64, got 0"),
        bad(
            "maxRequestBytes negative",
            IAE,
            b -> b.maxRequestBytes(-1),
            "maxRequestBytes must be at least 64, got -1"),
        bad(
            "maxRetries negative",
            IAE,
            b -> b.maxRetries(-1),
            "maxRetries must not be negative, got -1"),
        bad(
            "backoff zero",
            IAE,
            b -> b.backoff(Duration.ZERO, S),
            "backoff needs 0 < min <= max, got PT0S, PT1S"),
        bad(
            "backoff negative",
            IAE,
            b -> b.backoff(Duration.ofMillis(-1), S),
            "backoff needs 0 < min <= max, got PT-0.001S, PT1S"),
        bad(
            "backoff inverted",
            IAE,
            b -> b.backoff(S, Duration.ofMillis(1)),
            "backoff needs 0 < min <= max, got PT1S, PT0.001S"),
        bad("backoff min null", NPE, b -> b.backoff(null, S), "backoff min"),
        bad("backoff max null", NPE, b -> b.backoff(S, null), "backoff max"),
        bad(
            "maxRetryAfter zero",
            IAE,
            b -> b.maxRetryAfter(Duration.ZERO),
            "maxRetryAfter must be positive, got PT0S"),
        bad(
            "maxRetryAfter negative",
            IAE,
            b -> b.maxRetryAfter(S.negated()),
            "maxRetryAfter must be positive, got PT-1S"),
        bad("maxRetryAfter null", NPE, b -> b.maxRetryAfter(null), "maxRetryAfter"),
        bad(
            "requestTimeout zero",
            IAE,
            b -> b.requestTimeout(Duration.ZERO),
            "requestTimeout must be positive, got PT0S"),
        bad(
            "requestTimeout negative",
            IAE,
            b -> b.requestTimeout(S.negated()),
            "requestTimeout must be positive, got PT-1S"),
        bad("requestTimeout null", NPE, b -> b.requestTimeout(null), "requestTimeout"),
        bad(
            "maxConnections zero",
            IAE,
            b -> b.maxConnections(0),
            "maxConnections must be positive, got 0"),
        bad(
            "maxConnections negative",
            IAE,
            b -> b.maxConnections(-3),
            "maxConnections must be positive, got -3"),
        bad("timerScheduler null", NPE, b -> b.timerScheduler(null), "timerScheduler"),
        bad("meterRegistry null", NPE, b -> b.meterRegistry(null), "meterRegistry"),
        bad("loopResources null", NPE, b -> b.loopResources(null), "loopResources"),
        bad("connectionProvider null", NPE, b -> b.connectionProvider(null), "connectionProvider"));
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
  void theRequestSizeLimitIsReportedToTheExporter() {
    assertThat(
            BraintrustClient.builder().apiKey("k").maxRequestBytes(1000).build().maxRequestBytes())
        .isEqualTo(1000);
    assertThat(BraintrustClient.builder().apiKey("k").build().maxRequestBytes())
        .isEqualTo(5L * 1024 * 1024);
  }
}
