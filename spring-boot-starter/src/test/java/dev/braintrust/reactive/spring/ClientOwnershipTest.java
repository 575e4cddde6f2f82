package dev.braintrust.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.test.StepVerifier;

/**
 * The client bean is shared (the AI proxy, the application's own calls): the starter's exporter
 * sends through its own handle on it, so closing the exporter leaves the client open, and Spring
 * closes the client itself with the context. Over the testkit's socket.
 */
class ClientOwnershipTest {
  static final Duration T = Duration.ofSeconds(30);
  final BraintrustTestServer server = BraintrustTestServer.builder().build().start();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void closingTheStartersExporterLeavesTheClientBeanOpenAndTheContextClosesIt() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurationTest.ALL)
        .withPropertyValues(
            "braintrust.api-key=" + server.apiKey(),
            "braintrust.api-url=" + server.baseUrl(),
            "braintrust.project=owned")
        .run(
            ctx -> {
              BraintrustClient client = ctx.getBean(BraintrustClient.class);
              BraintrustExporter exporter = ctx.getBean(BraintrustExporter.class);
              ctx.getBean(Tracer.class).startSpan("before close").end();
              exporter.close();

              assertThat(exporter.stats().delivered()).isEqualTo(1);
              // The client still answers the application after the exporter closed.
              assertThat(client.projects().list().collectList().block(T))
                  .extracting(p -> p.name())
                  .contains("owned");

              ctx.close();
              StepVerifier.create(client.projects().list())
                  .expectErrorSatisfies(
                      e ->
                          assertThat(e)
                              .hasMessageStartingWith("this BraintrustClient is shut down"))
                  .verify(T);
            });
  }
}
