package dev.braintrust.reactive.spring.boot4;

import dev.braintrust.reactive.spring.BraintrustAutoConfiguration;
import dev.braintrust.reactive.spring.BraintrustExporterCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/**
 * On Spring Boot 4, whose application mapper is Jackson 3's {@link JsonMapper}: the exporter writes
 * user values (input, output, metadata) with it, as it writes them with the {@code ObjectMapper} on
 * Boot 3.5. Without a {@code JsonMapper} bean the library's own mapper is kept.
 */
@AutoConfiguration(
    before = BraintrustAutoConfiguration.class,
    afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
public class BraintrustJackson3AutoConfiguration {

  /**
   * Hands the application's {@code JsonMapper}, when there is exactly one, to the exporter.
   *
   * @param mapper the application's Jackson 3 mapper, if any
   * @return the customizer
   */
  @Bean
  public BraintrustExporterCustomizer braintrustJackson3UserValues(
      ObjectProvider<JsonMapper> mapper) {
    return builder -> mapper.ifUnique(m -> builder.objectMapper(new Jackson3UserValues(m)));
  }
}
