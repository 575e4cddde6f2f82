package dev.braintrust.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.client.observation.ChatClientObservationContext;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The registry the starter supplies when an application has none (Spring AI present, no Actuator)
 * exists so Spring AI's models observe: it must not turn on every other observation Spring makes
 * once any registry exists, such as one per HTTP request served, which cost each request of a
 * WebFlux application several microseconds on its event loop for an observation nobody handles.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class SuppliedObservationRegistryTest {

  /**
   * A WebFlux application with Spring AI's OpenAI starter and ours, without Actuator's registry.
   */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(Probe.class)
  static class App {}

  /** Says whether the request is served inside a live (non-no-op) observation. */
  @RestController
  static class Probe {
    @GetMapping("/observed")
    Mono<String> observed() {
      return Mono.deferContextual(
          ctx ->
              Mono.just(
                  ctx.getOrEmpty(ObservationThreadLocalAccessor.KEY)
                      .map(o -> o instanceof Observation obs && !obs.isNoop())
                      .orElse(false)
                      .toString()));
    }
  }

  @Test
  void requestsServedAreNotObservedButSpringAiCallsStillAre(BraintrustTestServer server)
      throws Exception {
    try (ConfigurableApplicationContext ctx =
        SpringApplication.run(
            App.class,
            "--server.port=0",
            "--spring.main.banner-mode=off",
            "--spring.reactor.netty.shutdown-quiet-period=0s",
            "--spring.autoconfigure.exclude="
                + "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
            "--braintrust.api-key=" + server.apiKey(),
            "--braintrust.api-url=" + server.baseUrl(),
            "--braintrust.project=supplied-registry",
            "--spring.ai.openai.api-key=" + server.apiKey(),
            "--spring.ai.openai.base-url=" + server.baseUrl() + "/v1/proxy",
            "--spring.ai.openai.chat.completions-path=/chat/completions",
            "--spring.ai.openai.chat.options.model=gpt-4o-mini",
            "--spring.ai.retry.max-attempts=1")) {
      ObservationRegistry registry = ctx.getBean(ObservationRegistry.class);
      assertThat(ctx.getBeanNamesForType(ObservationRegistry.class))
          .containsExactly("braintrustObservationRegistry");

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + TestApp.port(ctx) + "/observed"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).as("request served inside a live observation").isEqualTo("false");

      // The server's request observation is off; Spring AI's are on.
      assertThat(
              Observation.createNotStarted(
                      "http.server.requests",
                      () ->
                          new ServerRequestObservationContext(
                              null, null, new java.util.HashMap<>()),
                      registry)
                  .isNoop())
          .isTrue();
      assertThat(
              Observation.createNotStarted(
                      "spring.ai.chat.client",
                      () ->
                          ChatClientObservationContext.builder()
                              .request(
                                  org.springframework.ai.chat.client.ChatClientRequest.builder()
                                      .prompt(new Prompt("hi"))
                                      .build())
                              .build(),
                      registry)
                  .isNoop())
          .isFalse();

      // And a model call made there is still traced.
      server.scriptModelReply("Paris.");
      ctx.getBean(ChatModel.class).call(new Prompt("Capital of France?"));
      Rows.await(
          "the chat row",
          () -> Rows.of(server, "supplied-registry"),
          rows -> rows.stream().anyMatch(r -> Rows.name(r).equals("Chat Completion")),
          () ->
              ctx.getBean(dev.braintrust.reactive.core.export.BraintrustExporter.class)
                  .flush()
                  .block());
    }
  }
}
