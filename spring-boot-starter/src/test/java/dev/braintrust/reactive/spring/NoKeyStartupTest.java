package dev.braintrust.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.AiProxy;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.reactive.context.StandardReactiveWebEnvironment;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Starting without an API key, as {@code main} would: the application starts, every bean a user
 * injects exists, and each call fails with an exception naming the missing property. The testkit
 * server stays up through every context close (it runs on its own event loops).
 */
class NoKeyStartupTest {
  final BraintrustTestServer server = BraintrustTestServer.builder().build().start();

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** An environment without the process environment, so BRAINTRUST_API_KEY is surely unset. */
  static final class NoVariables extends StandardReactiveWebEnvironment {
    @Override
    protected void customizePropertySources(MutablePropertySources sources) {
      super.customizePropertySources(sources);
      sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    }
  }

  static ConfigurableApplicationContext run(String... args) {
    SpringApplication app = new SpringApplication(TestApp.class);
    app.setEnvironment(new NoVariables());
    return app.run(args);
  }

  static void assertFailsNamingTheKey(Publisher<?> call) {
    Throwable e =
        Flux.from(call)
            .then(Mono.<Throwable>empty())
            .onErrorResume(Mono::just)
            .block(Duration.ofSeconds(30));
    assertThat(e)
        .isInstanceOf(BraintrustException.class)
        .hasMessageContaining("braintrust.api-key")
        .hasMessageContaining("BRAINTRUST_API_KEY");
  }

  @Test
  void withoutAKeyTheAppStartsAndEveryInjectedBeanFailsEachCallNamingTheMissingKey()
      throws Exception {
    try (ConfigurableApplicationContext app =
        run("--server.port=0", "--spring.main.banner-mode=off", "--braintrust.project=p")) {
      assertThat(app.getBeansOfType(BraintrustExporter.class)).isEmpty();
      Tracer tracer = app.getBean(Tracer.class);
      tracer.startSpan("discarded").end();
      BraintrustClient client = app.getBean(BraintrustClient.class);
      assertFailsNamingTheKey(client.projects().list());
      assertFailsNamingTheKey(
          app.getBean(AiProxy.class)
              .chatCompletion(
                  Map.of(
                      "model",
                      "fake-model",
                      "messages",
                      List.of(Map.of("role", "user", "content", "hi")))));
      // A request whose handler calls the AI proxy fails as a 500, and the app keeps serving.
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + TestApp.port(app) + "/orders/1"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(500);
    }
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void theDocumentedPropertyLineStartsTheAppWhenTheVariableIsUnset() {
    try (ConfigurableApplicationContext app =
        run(
            "--server.port=0",
            "--spring.main.banner-mode=off",
            "--braintrust.api-key=${BRAINTRUST_API_KEY:}",
            "--braintrust.project=p")) {
      assertThat(app.getBeansOfType(BraintrustExporter.class)).isEmpty();
      assertFailsNamingTheKey(app.getBean(BraintrustClient.class).projects().list());
    }
  }

  @Test
  void theProjectIsTheApplicationNameAndTheTestServerOutlivesTheContext() {
    for (int round = 0; round < 2; round++) {
      try (ConfigurableApplicationContext app =
          run(
              "--server.port=0",
              "--spring.main.banner-mode=off",
              "--spring.application.name=shop",
              "--braintrust.api-key=" + server.apiKey(),
              "--braintrust.api-url=" + server.baseUrl())) {
        app.getBean(Tracer.class).startSpan("round-" + round).end();
      }
      // Closing the context disposed Reactor Netty's global resources; the testkit still answers.
      int expected = round + 1;
      List<?> rows =
          Rows.await(
              expected + " spans in project shop",
              () -> Rows.of(server, "shop"),
              now -> now.size() >= expected,
              () -> {});
      assertThat(rows).hasSize(expected);
    }
  }
}
