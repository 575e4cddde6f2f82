package dev.braintrust.reactive.spring;

import dev.braintrust.reactive.core.Traced;
import dev.braintrust.reactive.transport.AiProxy;
import dev.braintrust.reactive.transport.ChatCompletion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A WebFlux application as a user would write it: no Braintrust wiring, only annotations. */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@org.springframework.context.annotation.Import({
  TestApp.Orders.class,
  TestApp.OrderService.class,
  TestApp.Inventory.class,
  TestApp.SlowRequests.class
})
public class TestApp {

  /** Starts the app on a free port against {@code apiUrl}, as {@code main} would. */
  static ConfigurableApplicationContext run(String apiUrl, String project, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--braintrust.api-key=test-key",
                "--braintrust.api-url=" + apiUrl,
                "--braintrust.project=" + project));
    args.addAll(List.of(more));
    return SpringApplication.run(TestApp.class, args.toArray(String[]::new));
  }

  static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  @RestController
  static class Orders {
    private final OrderService service;

    Orders(OrderService service) {
      this.service = service;
    }

    @GetMapping("/orders/{id}")
    Mono<Map<String, String>> order(@PathVariable String id) {
      return service.describe(id);
    }

    @GetMapping("/orders/{id}/fail")
    Mono<String> fail(@PathVariable String id) {
      return service.explode(id);
    }

    @GetMapping("/missing/{id}")
    Mono<String> missing(@PathVariable String id) {
      return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no " + id));
    }

    /** Blocking code on another thread, with no Tracing.fromCallable: context propagation's job. */
    @GetMapping("/blocking/{id}")
    Mono<String> blocking(@PathVariable String id) {
      return Mono.just(id).publishOn(Schedulers.boundedElastic()).map(service::lookup);
    }
  }

  /** Traced as a class: every public method is a span. */
  @Traced
  public static class OrderService {
    private final AiProxy llm;
    private final WebClient inventory;
    private final Environment env;

    public OrderService(AiProxy llm, WebClient.Builder webClient, Environment env) {
      this.llm = llm;
      this.inventory = webClient.build();
      this.env = env;
    }

    public Mono<Map<String, String>> describe(String id) {
      Mono<ChatCompletion> text =
          llm.chatCompletion(
              Map.of(
                  "model",
                  "fake-model",
                  "messages",
                  List.of(Map.of("role", "user", "content", "describe order " + id))));
      // The port is known only once the server runs; the template names the span.
      String port = env.getProperty("local.server.port");
      return text.flatMap(
          c ->
              inventory
                  .get()
                  .uri("http://localhost:{port}/inventory/{sku}?token=s3cret", port, id)
                  .retrieve()
                  .bodyToMono(String.class)
                  .map(stock -> Map.of("id", id, "description", c.content(), "stock", stock)));
    }

    @Traced(name = "explode")
    public Mono<String> explode(String id) {
      return Mono.error(new IllegalStateException("boom " + id));
    }

    public String lookup(String id) {
      return "item-" + id;
    }

    public CompletableFuture<String> later(String v) {
      return CompletableFuture.supplyAsync(() -> v + "!");
    }
  }

  @RestController
  static class Inventory {
    @GetMapping("/inventory/{sku}")
    Mono<String> stock(@PathVariable String sku) {
      return Mono.just("7");
    }
  }

  /** A request still being handled when shutdown begins; it is let go once the context closes. */
  @RestController
  static class SlowRequests {
    static final CountDownLatch ENTERED = new CountDownLatch(1);
    static final CompletableFuture<String> RELEASE = new CompletableFuture<>();

    @GetMapping("/slow/{id}")
    Mono<String> slow(@PathVariable String id) {
      return Mono.defer(
          () -> {
            ENTERED.countDown();
            return Mono.fromFuture(RELEASE, false);
          });
    }

    @EventListener
    void onClose(ContextClosedEvent event) {
      RELEASE.complete("released");
    }
  }
}
