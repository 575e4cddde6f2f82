package dev.braintrust.reactive.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.SpanSink;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.BraintrustExporterBuilder;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.export.SpoolOptions;
import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.spring.internal.ApiKeyCondition;
import dev.braintrust.reactive.spring.internal.ExporterLifecycle;
import dev.braintrust.reactive.transport.AiProxy;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.ProxyOptions;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * The client, the exporter and the tracer from {@code braintrust.*} properties, each replaceable by
 * a bean of your own, and the shutdown that delivers the last spans. Meters go to the application's
 * {@link MeterRegistry} and user values are written with its {@link ObjectMapper} when there is
 * one.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration",
      // Their Spring Boot 4 homes.
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration"
    })
@EnableConfigurationProperties(BraintrustProperties.class)
public class BraintrustAutoConfiguration {
  private static final Log LOG = LogFactory.getLog(BraintrustAutoConfiguration.class);

  /**
   * The tracer everything else uses; it discards spans when tracing is off or has no API key.
   *
   * @param exporter the exporter, if there is one
   * @param properties the starter's properties
   * @param environment the environment, for the application name
   * @return the tracer
   */
  @Bean
  @ConditionalOnMissingBean
  public Tracer braintrustTracer(
      ObjectProvider<BraintrustExporter> exporter,
      BraintrustProperties properties,
      Environment environment) {
    BraintrustExporter sink = properties.isEnabled() ? exporter.getIfUnique() : null;
    if (sink == null) {
      if (properties.isEnabled()) {
        LOG.warn(
            "No Braintrust exporter (braintrust.api-key, or BRAINTRUST_API_KEY, is not set):"
                + " spans are discarded");
      }
      return Tracer.create(SpanSink.noop(), Destination.projectLogsByName("discarded"));
    }
    return Tracer.create(sink, destination(properties, environment));
  }

  /** The place root spans go, from {@code braintrust.destination} or {@code braintrust.project}. */
  static Destination destination(BraintrustProperties properties, Environment environment) {
    String destination = blankToNull(properties.getDestination());
    String project = blankToNull(properties.getProject());
    if (destination != null && project != null) {
      throw new IllegalStateException(
          "set braintrust.project or braintrust.destination, not both (got '"
              + project
              + "' and '"
              + destination
              + "')");
    }
    if (destination != null) {
      return Destination.parse(destination);
    }
    if (project == null) {
      project = blankToNull(environment.getProperty("spring.application.name"));
    }
    if (project == null) {
      throw new IllegalStateException(
          "set braintrust.project (the Braintrust project whose logs"
              + " receive the spans), braintrust.destination or spring.application.name");
    }
    return Destination.projectLogsByName(project);
  }

  /**
   * Flushes and closes every exporter once the web server has stopped taking requests.
   *
   * @param exporters the exporters to flush and close
   * @param properties the starter's properties
   * @return the lifecycle bean
   */
  @Bean
  public ExporterLifecycle braintrustExporterLifecycle(
      ObjectProvider<BraintrustExporter> exporters, BraintrustProperties properties) {
    return new ExporterLifecycle(exporters, properties.getExporter().getShutdownTimeout());
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  // Nested configurations are processed in @Order: the exporter's condition needs the client's
  // bean.

  /** The API client, when an API key is configured. */
  @Configuration(proxyBeanMethods = false)
  @Order(1)
  @ConditionalOnBooleanProperty(name = "braintrust.enabled", matchIfMissing = true)
  @Conditional(ApiKeyCondition.class)
  static class ClientConfiguration {

    // Spring closes the client; the exporter only closes its own handle on it (ingestTransport).
    @Bean
    @ConditionalOnMissingBean
    BraintrustClient braintrustClient(
        BraintrustProperties properties,
        ObjectProvider<MeterRegistry> registry,
        ObjectProvider<BraintrustClientCustomizer> customizers) {
      BraintrustClientProperties c = properties.getClient();
      var builder =
          BraintrustClient.builder()
              .apiKey(properties.getApiKey())
              .baseUrl(properties.getApiUrl())
              .requestTimeout(c.getRequestTimeout())
              .connectTimeout(c.getConnectTimeout())
              .maxIdleTime(c.getMaxIdleTime())
              .maxRetries(c.getMaxRetries())
              .maxConnections(c.getMaxConnections())
              .gzip(c.isGzip())
              .gzipLevel(c.getGzipLevel())
              .allowInsecureHttp(c.isAllowInsecureHttp());
      if (c.getImpersonateUser() != null && !c.getImpersonateUser().isBlank()) {
        builder.impersonateUser(c.getImpersonateUser());
      }
      if (c.getOrgName() != null && !c.getOrgName().isBlank()) {
        builder.orgName(c.getOrgName());
      }
      c.getHeaders().forEach(builder::header);
      if (c.getTrustedCertificates() != null) {
        builder.trustedCertificates(c.getTrustedCertificates());
      }
      ProxyOptions proxy = c.getProxy().options();
      if (proxy != null) {
        builder.proxy(proxy);
      }
      registry.ifUnique(builder::meterRegistry);
      customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
      return builder.build();
    }

    /** The AI proxy whose calls are {@code llm} spans under the current span. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(BraintrustClient.class)
    AiProxy braintrustAiProxy(BraintrustClient client, Tracer tracer) {
      return client.aiProxy(tracer);
    }
  }

  /** The bounded buffer, when there is a transport to send through. */
  @Configuration(proxyBeanMethods = false)
  @Order(2)
  @ConditionalOnBooleanProperty(name = "braintrust.enabled", matchIfMissing = true)
  @ConditionalOnBean(Transport.class)
  static class ExporterConfiguration {

    @Bean
    @ConditionalOnMissingBean
    BraintrustExporter braintrustExporter(
        Transport transport,
        BraintrustProperties properties,
        ObjectProvider<MeterRegistry> registry,
        ObjectProvider<ObjectMapper> objectMapper,
        ObjectProvider<BraintrustExporterCustomizer> customizers) {
      BraintrustExporterProperties e = properties.getExporter();
      BraintrustExporterBuilder builder =
          BraintrustExporter.builder(
                  // The client is a bean others use too (the AI proxy, the application): the
                  // exporter gets its own handle, whose close leaves the client open.
                  transport instanceof BraintrustClient client
                      ? client.ingestTransport()
                      : transport)
              .capacity(e.getCapacity())
              .overflowPolicy(policy(e))
              .maxBatchEvents(e.getMaxBatchEvents())
              .maxBatchBytes(e.getMaxBatchBytes().toBytes())
              .flushInterval(e.getFlushInterval())
              .maxConcurrentRequests(e.getMaxConcurrentRequests())
              .shutdownTimeout(e.getShutdownTimeout());
      if (e.getCapacityBytes() != null) {
        builder.capacityBytes(e.getCapacityBytes().toBytes());
      }
      if (e.getMaxEventAge() != null) {
        builder.maxEventAge(e.getMaxEventAge());
      }
      SpoolOptions spool = e.getSpool().options();
      if (spool != null) {
        builder.spool(spool);
      }
      registry.ifUnique(builder::meterRegistry);
      objectMapper.ifUnique(builder::objectMapper);
      customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
      return builder.build();
    }

    private static OverflowPolicy policy(BraintrustExporterProperties e) {
      switch (e.getOverflowPolicy()) {
        case DROP_OLDEST:
          return OverflowPolicy.dropOldest();
        case BLOCK:
          return OverflowPolicy.block(e.getBlockTimeout());
        default:
          return OverflowPolicy.dropNewest();
      }
    }
  }
}
