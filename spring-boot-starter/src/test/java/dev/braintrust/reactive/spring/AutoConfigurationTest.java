package dev.braintrust.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.spring.internal.ExporterLifecycle;
import dev.braintrust.reactive.spring.internal.TracedBeanPostProcessor;
import dev.braintrust.reactive.transport.AiProxy;
import dev.braintrust.reactive.transport.BraintrustClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.web.reactive.function.client.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/** Which beans the properties produce; no spans are sent here. */
class AutoConfigurationTest {
  static final AutoConfigurations ALL =
      AutoConfigurations.of(
          BraintrustAutoConfiguration.class,
          BraintrustFallbackAutoConfiguration.class,
          BraintrustTracedAutoConfiguration.class,
          BraintrustWebFluxAutoConfiguration.class,
          BraintrustWebClientAutoConfiguration.class,
          BraintrustHealthAutoConfiguration.class,
          HealthContributorAutoConfiguration.class);

  final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(ALL);
  final ReactiveWebApplicationContextRunner web =
      new ReactiveWebApplicationContextRunner().withConfiguration(ALL);

  static final String[] KEY_AND_PROJECT = {"braintrust.api-key=k", "braintrust.project=p"};

  @Test
  void anApiKeyAndAProjectGiveTheWholeSetWithTheExportersOptionsFromProperties() {
    runner
        .withPropertyValues(KEY_AND_PROJECT)
        .withPropertyValues(
            "braintrust.exporter.capacity=1234", "braintrust.exporter.overflow-policy=block")
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            ctx -> {
              assertThat(ctx)
                  .hasSingleBean(BraintrustClient.class)
                  .hasSingleBean(AiProxy.class)
                  .hasSingleBean(BraintrustExporter.class)
                  .hasSingleBean(Tracer.class)
                  .hasSingleBean(ExporterLifecycle.class)
                  .hasSingleBean(TracedBeanPostProcessor.class)
                  .hasSingleBean(BraintrustHealthIndicator.class)
                  .hasSingleBean(WebClientCustomizer.class)
                  .doesNotHaveBean(BraintrustWebFilter.class);
              BraintrustExporter exporter = ctx.getBean(BraintrustExporter.class);
              assertThat(exporter.capacity()).isEqualTo(1234);
              assertThat(exporter.meterRegistry()).isSameAs(ctx.getBean(MeterRegistry.class));
              assertThat(ctx.getBean(Tracer.class).destination())
                  .isEqualTo(Destination.projectLogsByName("p"));
            });
  }

  @Test
  void aReactiveWebApplicationGetsTheRequestFilterUnlessSwitchedOff() {
    web.withPropertyValues(KEY_AND_PROJECT)
        .run(ctx -> assertThat(ctx).hasSingleBean(BraintrustWebFilter.class));
    web.withPropertyValues(KEY_AND_PROJECT)
        .withPropertyValues("braintrust.web.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(BraintrustWebFilter.class));
  }

  @Test
  void withoutAKeyTheTracerDiscardsSpansAndNothingConnects() {
    for (String key : new String[] {"braintrust.project=p", "braintrust.api-key= "}) {
      runner
          .withPropertyValues(key)
          .run(
              ctx -> {
                assertThat(ctx)
                    .hasNotFailed()
                    .hasSingleBean(Tracer.class)
                    .hasSingleBean(BraintrustClient.class)
                    .hasSingleBean(AiProxy.class)
                    .doesNotHaveBean(BraintrustExporter.class);
                ctx.getBean(Tracer.class).startSpan("dropped").end();
              });
    }
  }

  @Test
  void switchedOffOnlyANoOpTracerRemainsSoInjectionPointsStillResolve() {
    web.withPropertyValues(KEY_AND_PROJECT)
        .withPropertyValues("braintrust.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx)
                  .hasSingleBean(Tracer.class)
                  .hasSingleBean(BraintrustClient.class)
                  .hasSingleBean(AiProxy.class)
                  .doesNotHaveBean(BraintrustExporter.class)
                  .doesNotHaveBean(BraintrustWebFilter.class)
                  .doesNotHaveBean(TracedBeanPostProcessor.class)
                  .doesNotHaveBean(WebClientCustomizer.class);
            });
  }

  @Test
  void theDestinationComesFromDestinationOrProjectOrTheApplicationName() {
    runner
        .withPropertyValues("braintrust.api-key=k", "braintrust.destination=experiment_id:e1")
        .run(
            ctx ->
                assertThat(ctx.getBean(Tracer.class).destination())
                    .isEqualTo(Destination.experiment("e1")));
    runner
        .withPropertyValues("braintrust.api-key=k", "spring.application.name=shop")
        .run(
            ctx ->
                assertThat(ctx.getBean(Tracer.class).destination())
                    .isEqualTo(Destination.projectLogsByName("shop")));
    runner
        .withPropertyValues("braintrust.api-key=k")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("set braintrust.project"));
    runner
        .withPropertyValues(KEY_AND_PROJECT)
        .withPropertyValues("braintrust.destination=project_id:x")
        .run(ctx -> assertThat(ctx).getFailure().rootCause().hasMessageContaining("not both"));
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnExporter {
    @Bean
    BraintrustExporter myExporter() {
      return BraintrustExporter.builder((d, b) -> Mono.never()).build();
    }
  }

  @Test
  void yourOwnExporterIsUsedByTheTracerAndStillFlushedOnShutdown() {
    runner
        .withPropertyValues("braintrust.project=p", "braintrust.exporter.shutdown-timeout=100ms")
        .withUserConfiguration(OwnExporter.class)
        .run(
            ctx -> {
              BraintrustExporter mine = ctx.getBean(BraintrustExporter.class);
              ctx.getBean(Tracer.class).startSpan("mine").end();
              assertThat(mine.stats().submitted()).isEqualTo(1);
              ctx.close();
              assertThat(mine.isShutdown()).isTrue();
            });
  }

  @Test
  void theHealthIndicatorCanBeSwitchedOffLikeAnyOther() {
    runner
        .withPropertyValues(KEY_AND_PROJECT)
        .withPropertyValues("management.health.braintrust.enabled=false")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasSingleBean(BraintrustExporter.class)
                    .doesNotHaveBean(BraintrustHealthIndicator.class));
  }

  @Test
  void propertyDefaultsAreTheExportersOwn() {
    BraintrustExporterProperties e = new BraintrustProperties().getExporter();
    assertThat(e.getCapacity()).isEqualTo(BraintrustExporter.DEFAULT_CAPACITY);
    assertThat(e.getMaxBatchEvents()).isEqualTo(BraintrustExporter.DEFAULT_MAX_BATCH_EVENTS);
    assertThat(e.getMaxBatchBytes().toBytes())
        .isEqualTo(BraintrustExporter.DEFAULT_MAX_BATCH_BYTES);
    assertThat(e.getFlushInterval()).isEqualTo(BraintrustExporter.DEFAULT_FLUSH_INTERVAL);
    assertThat(e.getMaxConcurrentRequests())
        .isEqualTo(BraintrustExporter.DEFAULT_MAX_CONCURRENT_REQUESTS);
    assertThat(e.getShutdownTimeout()).isEqualTo(BraintrustExporter.DEFAULT_SHUTDOWN_TIMEOUT);
    assertThat(e.getOverflowPolicy()).isEqualTo(OverflowPolicy.Kind.DROP_NEWEST);
    assertThat(e.getBlockTimeout()).isEqualTo(Duration.ofMillis(100));
  }
}
