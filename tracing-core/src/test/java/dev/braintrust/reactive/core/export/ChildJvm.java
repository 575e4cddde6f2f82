package dev.braintrust.reactive.core.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test class's {@code main} in a child JVM on this test's class path. */
final class ChildJvm {
  private ChildJvm() {}

  /** Starts {@code main} of {@code mainClass} with {@code jvmArgs} and {@code args}. */
  static ProcessBuilder command(Class<?> mainClass, List<String> jvmArgs, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  /** Runs it to its end (at most two minutes) and returns its exit code and output. */
  static Result run(Class<?> mainClass, List<String> jvmArgs, String... args)
      throws IOException, InterruptedException {
    Process p = command(mainClass, jvmArgs, args).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "the child JVM did not end: " + new String(out, StandardCharsets.UTF_8));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** A child's exit code and its output (stdout and stderr). */
  record Result(int exitCode, String output) {}
}
