package dev.braintrust.reactive.core.export.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  final RetryPolicy policy =
      new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(60));

  @Test
  void backoffDoublesWithJitterBetweenHalfAndAllAndIsCapped() {
    assertThat(policy.delay(0, null, 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delay(0, null, 1.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.delay(3, null, 1.0)).isEqualTo(Duration.ofMillis(1600));
    assertThat(policy.delay(30, null, 1.0)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void retryAfterIsAFloorWithUpToHalfAgainAsJitterAndIsCapped() {
    assertThat(policy.delay(0, Duration.ofSeconds(1), 0.0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delay(0, Duration.ofSeconds(1), 0.3)).isEqualTo(Duration.ofMillis(1150));
    assertThat(policy.delay(0, Duration.ofSeconds(1), 1.0)).isEqualTo(Duration.ofMillis(1500));
    assertThat(policy.delay(0, Duration.ofHours(1), 0.0)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void retryAfterParsesSecondsAndHttpDates() {
    assertThat(RetryPolicy.parseRetryAfter("3", 0)).isEqualTo(Duration.ofSeconds(3));
    long now =
        java.time.ZonedDateTime.parse(
                "Tue, 24 Nov 2026 10:00:00 GMT",
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
            .toInstant()
            .toEpochMilli();
    assertThat(RetryPolicy.parseRetryAfter("Tue, 24 Nov 2026 10:00:05 GMT", now))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(RetryPolicy.parseRetryAfter("soon", 0)).isNull();
    assertThat(RetryPolicy.parseRetryAfter(null, 0)).isNull();
  }
}
