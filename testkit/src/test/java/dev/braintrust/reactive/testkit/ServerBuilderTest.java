package dev.braintrust.reactive.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every test-server option refuses values that make no sense, naming the option. */
class ServerBuilderTest {
  static Stream<Arguments> badOptions() {
    return Stream.of(
        Arguments.of("apiKey", (Consumer<BraintrustTestServer.Builder>) b -> b.apiKey(" ")),
        Arguments.of("apiKey", (Consumer<BraintrustTestServer.Builder>) b -> b.apiKey(null)),
        Arguments.of("host", (Consumer<BraintrustTestServer.Builder>) b -> b.host(null)),
        Arguments.of("port", (Consumer<BraintrustTestServer.Builder>) b -> b.port(-1)),
        Arguments.of("port", (Consumer<BraintrustTestServer.Builder>) b -> b.port(70_000)),
        Arguments.of(
            "maxBodyBytes", (Consumer<BraintrustTestServer.Builder>) b -> b.maxBodyBytes(0)),
        Arguments.of("persistTo", (Consumer<BraintrustTestServer.Builder>) b -> b.persistTo(null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badOptions")
  void refusesABadValueNamingTheOption(String option, Consumer<BraintrustTestServer.Builder> set) {
    BraintrustTestServer.Builder b = BraintrustTestServer.builder();
    assertThatThrownBy(() -> set.accept(b))
        .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class)
        .hasMessageContaining(option);
  }
}
