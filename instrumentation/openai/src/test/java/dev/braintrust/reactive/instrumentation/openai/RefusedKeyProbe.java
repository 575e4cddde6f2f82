package dev.braintrust.reactive.instrumentation.openai;

import dev.braintrust.reactive.Braintrust;
import java.time.Duration;

/**
 * A {@code main} on this module's class path, where openai-java brings {@code slf4j-api} with no
 * logging backend: traces one span to a server that refuses the key, flushes, and returns.
 */
public final class RefusedKeyProbe {
  private RefusedKeyProbe() {}

  /** Runs the probe. */
  public static void main(String[] args) {
    Braintrust braintrust = Braintrust.fromEnvironment();
    braintrust.tracer().startSpan("refused").end();
    try {
      braintrust.flush().block(Duration.ofSeconds(60));
      System.out.println("delivered");
    } catch (RuntimeException e) {
      System.out.println("not delivered");
    }
  }
}
