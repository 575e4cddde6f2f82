package dev.braintrust.reactive.core.export;

import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.core.export.internal.SpoolLog;
import dev.braintrust.reactive.core.export.internal.SpoolMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;

/**
 * Run in a child JVM: tries to open the spool directory given as its argument and prints {@code
 * opened} or {@code refused: <message>}.
 */
public final class SpoolLockProbe {
  private SpoolLockProbe() {}

  public static void main(String[] args) throws Exception {
    try {
      SpoolLog log =
          SpoolLog.open(
              Path.of(args[0]),
              8 * 1024,
              1 << 20,
              false,
              new SpoolMeters(new SimpleMeterRegistry()));
      System.out.println("opened");
      log.close();
    } catch (BraintrustException e) {
      System.out.println("refused: " + e.getMessage());
    }
    System.out.flush();
  }
}
