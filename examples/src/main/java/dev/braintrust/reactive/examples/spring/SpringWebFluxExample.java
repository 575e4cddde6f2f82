package dev.braintrust.reactive.examples.spring;

import dev.braintrust.reactive.core.Traced;
import dev.braintrust.reactive.transport.AiProxy;
import dev.braintrust.reactive.transport.ChatCompletion;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A WebFlux application traced by the starter, with no Braintrust wiring: each request is a {@code
 * GET /questions/{topic}} span, {@code Assistant.answer} its child, the model call an {@code llm}
 * span under that. Configuration: {@code BRAINTRUST_API_KEY} in the environment and {@code
 * braintrust.project} in {@code application.properties}.
 */
@SpringBootApplication
public class SpringWebFluxExample {
  public static void main(String[] args) {
    SpringApplication.run(SpringWebFluxExample.class, args);
  }

  @RestController
  record Questions(Assistant assistant) {
    @GetMapping("/questions/{topic}")
    Mono<String> ask(@PathVariable String topic) {
      return assistant.answer(topic);
    }
  }

  @Service
  public static class Assistant {
    private final AiProxy llm;

    Assistant(AiProxy llm) {
      this.llm = llm;
    }

    @Traced
    public Mono<String> answer(String topic) {
      Map<String, Object> request =
          Map.of(
              "model",
              "gpt-4o-mini",
              "messages",
              List.of(Map.of("role", "user", "content", "Explain " + topic + " in one line.")));
      return llm.chatCompletion(request).map(ChatCompletion::content);
    }
  }
}
