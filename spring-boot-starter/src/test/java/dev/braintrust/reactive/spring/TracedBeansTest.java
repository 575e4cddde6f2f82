package dev.braintrust.reactive.spring;

import static dev.braintrust.reactive.spring.Rows.name;
import static dev.braintrust.reactive.spring.Rows.parents;
import static dev.braintrust.reactive.spring.Rows.spanId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Traced;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.AopTestUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * {@code @Traced} on plain Spring beans (classes, no interface), spans delivered to the testkit.
 */
@ExtendWith(BraintrustTestServerExtension.class)
class TracedBeansTest {

  @Traced
  public static class Pricing {
    final AtomicInteger calls = new AtomicInteger();

    public int price(String sku, @Traced.Exclude String token) {
      return sku.length();
    }

    public Mono<Integer> priceLater(String sku) {
      calls.incrementAndGet();
      return Mono.just(sku.length() * 10);
    }

    public Flux<String> lines(int n) {
      return Flux.range(0, n).map(i -> "line" + i);
    }

    public CompletableFuture<String> later(String v) {
      return CompletableFuture.supplyAsync(() -> v + "!");
    }

    public String fails() {
      throw new IllegalArgumentException("bad sku");
    }

    @Override
    public String toString() {
      return "Pricing";
    }
  }

  public static class Checkout {
    private final Pricing pricing;

    public Checkout(Pricing pricing) {
      this.pricing = pricing;
    }

    @Traced(name = "checkout", type = SpanType.FUNCTION)
    public Mono<String> checkout(String sku) {
      return pricing.priceLater(sku).map(p -> sku + "=" + p);
    }

    public String untraced() {
      return "plain";
    }
  }

  public interface Greeter {
    @Traced(type = SpanType.TOOL)
    String greet(String name, @Traced.Exclude String secret);
  }

  /** Annotated only through the interface it implements. */
  public static class PlainGreeter implements Greeter {
    @Override
    public String greet(String name, String secret) {
      return "hi " + name;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Beans {
    @Bean
    Pricing pricing() {
      return new Pricing();
    }

    @Bean
    Checkout checkout(Pricing pricing) {
      return new Checkout(pricing);
    }

    @Bean
    PlainGreeter greeter() {
      return new PlainGreeter();
    }
  }

  ApplicationContextRunner runner(BraintrustTestServer server) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                BraintrustAutoConfiguration.class, BraintrustTracedAutoConfiguration.class))
        .withPropertyValues(
            "braintrust.api-key=" + server.apiKey(),
            "braintrust.api-url=" + server.baseUrl(),
            "braintrust.project=beans")
        .withUserConfiguration(Beans.class);
  }

  static List<ObjectNode> delivered(
      AssertableApplicationContext ctx,
      BraintrustTestServer server,
      Predicate<List<ObjectNode>> done) {
    BraintrustExporter exporter = ctx.getBean(BraintrustExporter.class);
    return Rows.await(
        "spans",
        () -> Rows.of(server, "beans"),
        done,
        () -> exporter.flush().block(Duration.ofSeconds(10)));
  }

  static ObjectNode named(List<ObjectNode> rows, String name) {
    return rows.stream()
        .filter(r -> name.equals(name(r)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + rows));
  }

  @Test
  void everyResultKindOfATracedClassEndsItsSpanOnItsSignal(BraintrustTestServer server) {
    runner(server)
        .run(
            ctx -> {
              Pricing pricing = ctx.getBean(Pricing.class);
              assertThat(AopUtils.isCglibProxy(pricing)).isTrue();

              assertThat(pricing.price("abc", "tok-123")).isEqualTo(3);
              StepVerifier.create(pricing.lines(3))
                  .expectNext("line0", "line1", "line2")
                  .verifyComplete();
              assertThat(pricing.later("x").join()).isEqualTo("x!");
              assertThatThrownBy(pricing::fails)
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessage("bad sku");
              assertThat(pricing.toString()).isEqualTo("Pricing");

              List<ObjectNode> rows = delivered(ctx, server, r -> r.size() >= 4);
              ObjectNode price = named(rows, "Pricing.price");
              assertThat(price.path("input").toString()).isEqualTo("{\"sku\":\"abc\"}");
              assertThat(price.path("output").asInt()).isEqualTo(3);
              ObjectNode lines = named(rows, "Pricing.lines");
              assertThat(lines.path("output").toString())
                  .isEqualTo("[\"line0\",\"line1\",\"line2\"]");
              assertThat(lines.path("metrics").path("elements").asInt()).isEqualTo(3);
              assertThat(named(rows, "Pricing.later").path("output").asText()).isEqualTo("x!");
              assertThat(named(rows, "Pricing.fails").path("error").asText())
                  .startsWith("java.lang.IllegalArgumentException: bad sku");
              assertThat(rows).extracting(Rows::name).doesNotContain("Pricing.toString").hasSize(4);
            });
  }

  @Test
  void aTracedMonoRunsPerSubscriptionAndNestsTheCallsMadeInsideIt(BraintrustTestServer server) {
    runner(server)
        .run(
            ctx -> {
              Checkout checkout = ctx.getBean(Checkout.class);
              // The counter lives on the target; the class-based proxy has fields of its own,
              // unset.
              Pricing pricing = AopTestUtils.getTargetObject(ctx.getBean(Pricing.class));
              Mono<String> result = checkout.checkout("ab");
              assertThat(pricing.calls).hasValue(0);

              StepVerifier.create(result).expectNext("ab=20").verifyComplete();
              StepVerifier.create(result).expectNext("ab=20").verifyComplete();
              assertThat(checkout.untraced()).isEqualTo("plain");

              assertThat(pricing.calls).hasValue(2);
              List<ObjectNode> rows = delivered(ctx, server, r -> r.size() >= 4);
              List<ObjectNode> roots =
                  rows.stream().filter(r -> "checkout".equals(name(r))).toList();
              assertThat(roots)
                  .hasSize(2)
                  .allSatisfy(
                      root -> {
                        assertThat(root.path("span_attributes").path("type").asText())
                            .isEqualTo("function");
                        assertThat(root.path("output").asText()).isEqualTo("ab=20");
                        assertThat(rows)
                            .filteredOn(r -> parents(r).equals(List.of(spanId(root))))
                            .singleElement()
                            .satisfies(c -> assertThat(name(c)).isEqualTo("Pricing.priceLater"));
                      });
              assertThat(rows).hasSize(4);
            });
  }

  @Test
  void anAnnotationOnTheInterfaceTracesTheImplementationAndItsExclusionsHold(
      BraintrustTestServer server) {
    runner(server)
        .run(
            ctx -> {
              assertThat(ctx.getBean(Greeter.class).greet("ann", "hunter2")).isEqualTo("hi ann");

              ObjectNode row =
                  named(delivered(ctx, server, r -> !r.isEmpty()), "PlainGreeter.greet");
              assertThat(row.path("span_attributes").path("type").asText()).isEqualTo("tool");
              assertThat(row.path("input").toString()).isEqualTo("{\"name\":\"ann\"}");
            });
  }

  @Test
  void switchedOffNoBeanIsProxied(BraintrustTestServer server) {
    runner(server)
        .withPropertyValues("braintrust.traced.enabled=false")
        .run(
            ctx -> {
              assertThat(AopUtils.isAopProxy(ctx.getBean(Pricing.class))).isFalse();
              assertThat(AopUtils.isAopProxy(ctx.getBean(Checkout.class))).isFalse();
            });
  }
}
