package dev.braintrust.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.RecordedRequest;
import dev.braintrust.reactive.transport.ProxyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The client's and exporter's options beyond the basics, set by properties and by customizer beans,
 * as they reach the wire.
 */
class StarterOptionsTest {
  static final Duration T = Duration.ofSeconds(10);
  final BraintrustTestServer server = BraintrustTestServer.builder().build().start();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void propertiesAndCustomizersReachTheRequestsAndTheRowsThatArrive(@TempDir Path spool) {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurationTest.ALL)
        .withPropertyValues(
            "braintrust.api-key=" + server.apiKey(),
            "braintrust.api-url=" + server.baseUrl(),
            "braintrust.project=options",
            "braintrust.client.org-name=" + server.orgName(),
            "braintrust.client.headers[X-Team]=ml-platform",
            "braintrust.client.gzip-level=6",
            "braintrust.exporter.capacity-bytes=8MB",
            "braintrust.exporter.spool.directory=" + spool,
            "braintrust.exporter.spool.fsync=every-batch")
        .withBean(
            "maskSecrets",
            BraintrustExporterCustomizer.class,
            () ->
                builder ->
                    builder.mask(
                        v -> v instanceof String s && s.startsWith("secret") ? "[masked]" : v))
        .withBean(
            "routeHeader",
            BraintrustClientCustomizer.class,
            () -> builder -> builder.header("X-Route", "eu-1"))
        .run(
            ctx -> {
              Span span = ctx.getBean(Tracer.class).startSpan("options");
              span.input("secret-123");
              span.output("visible");
              span.end();
              ctx.getBean(BraintrustExporter.class).flush().block(T);

              List<ObjectNode> rows = server.projectLogs(server.projectId("options"));
              assertThat(rows).hasSize(1);
              assertThat(rows.get(0).path("input").asText()).isEqualTo("[masked]");
              assertThat(rows.get(0).path("output").asText()).isEqualTo("visible");

              List<RecordedRequest> inserts =
                  server.requests().stream().filter(r -> r.path().endsWith("/insert")).toList();
              assertThat(inserts)
                  .isNotEmpty()
                  .allSatisfy(
                      r -> {
                        assertThat(r.header("x-bt-org-name")).isEqualTo(server.orgName());
                        assertThat(r.header("X-Team")).isEqualTo("ml-platform");
                        assertThat(r.header("X-Route")).isEqualTo("eu-1");
                        assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
                      });
              try (Stream<Path> files = Files.list(spool)) {
                assertThat(files).as("the spool's files").isNotEmpty();
              }
            });
  }

  @Test
  void proxyPropertiesGiveAProxyWhenAHostIsSetAndNeverShowThePassword() {
    BraintrustClientProperties none = bind();
    assertThat(none.getProxy().options()).isNull();

    BraintrustClientProperties set =
        bind(
            "braintrust.client.proxy.host", "proxy.corp.example",
            "braintrust.client.proxy.port", "8080",
            "braintrust.client.proxy.username", "svc",
            "braintrust.client.proxy.password", "hunter2",
            "braintrust.client.proxy.non-proxy-hosts", "*.internal|localhost");
    ProxyOptions options = set.getProxy().options();
    assertThat(options).isNotNull();
    assertThat(options.toString())
        .contains("proxy.corp.example:8080", "svc", "*.internal|localhost")
        .doesNotContain("hunter2");
  }

  private static BraintrustClientProperties bind(String... keysAndValues) {
    MapConfigurationPropertySource source = new MapConfigurationPropertySource();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      source.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return new Binder(source)
        .bind("braintrust", BraintrustProperties.class)
        .orElseGet(BraintrustProperties::new)
        .getClient();
  }
}
