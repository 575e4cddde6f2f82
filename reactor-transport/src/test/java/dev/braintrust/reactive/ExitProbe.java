package dev.braintrust.reactive;

import dev.braintrust.reactive.core.Span;
import java.time.Duration;

/**
 * A {@code main} as a user writes it: sets up from the environment, traces one span and returns
 * without closing anything. Arguments: the span's name and the shutdown timeout.
 */
public final class ExitProbe {
  private ExitProbe() {}

  /** Runs the probe. */
  public static void main(String[] args) {
    Braintrust braintrust = Braintrust.builder().shutdownTimeout(Duration.parse(args[1])).build();
    Span span = braintrust.tracer().startSpan(args[0]);
    span.input("question").output("answer").end();
    System.out.println("ended " + span.id());
  }
}
