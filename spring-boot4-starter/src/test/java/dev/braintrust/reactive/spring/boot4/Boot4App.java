package dev.braintrust.reactive.spring.boot4;

import dev.braintrust.reactive.core.Traced;
import dev.braintrust.reactive.transport.AiProxy;
import dev.braintrust.reactive.transport.ChatCompletion;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** A Spring Boot 4 WebFlux application as a user writes it: no Braintrust wiring. */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import({Boot4App.Orders.class, Boot4App.Shop.class, Boot4App.Inventory.class})
public class Boot4App {

  /** Starts the app as {@code main} would, without the process environment (no stray key). */
  static ConfigurableApplicationContext run(String... args) {
    SpringApplication app = new SpringApplication(Boot4App.class);
    app.setEnvironment(
        new StandardEnvironment() {
          @Override
          protected void customizePropertySources(MutablePropertySources sources) {
            super.customizePropertySources(sources);
            sources.remove(SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
          }
        });
    return app.run(args);
  }

  static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  /** What the traced service returns; written with the application's (snake_case) JSON mapper. */
  public record OrderView(String orderId, String description, String stock) {}

  @RestController
  static class Orders {
    private final Shop shop;

    Orders(Shop shop) {
      this.shop = shop;
    }

    @GetMapping("/orders/{id}")
    Mono<OrderView> order(@PathVariable String id) {
      return shop.describe(id);
    }
  }

  /** Traced as a class: every public method is a span. */
  @Traced
  public static class Shop {
    private final AiProxy llm;
    private final WebClient inventory;
    private final Environment env;

    public Shop(AiProxy llm, WebClient.Builder webClient, Environment env) {
      this.llm = llm;
      this.inventory = webClient.build();
      this.env = env;
    }

    public Mono<OrderView> describe(String id) {
      Mono<ChatCompletion> text =
          llm.chatCompletion(
              Map.of(
                  "model",
                  "fake-model",
                  "messages",
                  List.of(Map.of("role", "user", "content", "describe order " + id))));
      String port = env.getProperty("local.server.port");
      return text.flatMap(
          c ->
              inventory
                  .get()
                  .uri("http://localhost:{port}/inventory/{sku}", port, id)
                  .retrieve()
                  .bodyToMono(String.class)
                  .map(stock -> new OrderView(id, c.content(), stock)));
    }
  }

  @RestController
  static class Inventory {
    @GetMapping("/inventory/{sku}")
    Mono<String> stock(@PathVariable String sku) {
      return Mono.just("7");
    }
  }
}
