package dev.braintrust.reactive.agentit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * {@link DemoApp} (or any main class) in a child JVM under the OpenTelemetry Java agent. Its output
 * is kept (the last 256 KiB) so a failure can show it; {@link #close()} always ends the process,
 * forcibly if it does not stop in time.
 */
public final class AgentProcess implements AutoCloseable {
  private static final int KEEP_CHARS = 256 * 1024;

  private final Process process;
  private final StringBuilder output = new StringBuilder();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  private AgentProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readOutput, "agent-app-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The command line: this JVM's {@code java}, the agent, the extension when given, then {@code
   * jvmArgs}, the class path and the main class.
   */
  public static List<String> command(
      Path agentJar,
      @Nullable Path extensionJar,
      String classPath,
      String mainClass,
      List<String> jvmArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-javaagent:" + agentJar.toAbsolutePath());
    if (extensionJar != null) {
      cmd.add("-Dotel.javaagent.extensions=" + extensionJar.toAbsolutePath());
    }
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    return cmd;
  }

  /**
   * Starts {@code command} with {@code env} on top of this process's environment, minus any {@code
   * OTEL_*}, {@code BRAINTRUST_*} and {@code JAVA_TOOL_OPTIONS} variables of the caller's (they
   * would change what is measured or tested), and waits for it to print {@code PORT=n}.
   *
   * @throws IllegalStateException with the process's output if it exits or is silent until the
   *     deadline
   */
  public static AgentProcess start(
      List<String> command, Map<String, String> env, Duration startTimeout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("OTEL_")
                    || k.startsWith("BRAINTRUST_")
                    || k.equals("JAVA_TOOL_OPTIONS")
                    || k.equals("JDK_JAVA_OPTIONS"));
    pb.environment().putAll(env);
    AgentProcess p = new AgentProcess(pb.start());
    try {
      p.port.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return p;
    } catch (TimeoutException | ExecutionException e) {
      p.close();
      throw new IllegalStateException(
          "the application did not print PORT= within "
              + startTimeout
              + " (exit "
              + (p.process.isAlive() ? "none" : p.process.exitValue())
              + "); its output:\n"
              + p.output(),
          e);
    } catch (InterruptedException e) {
      p.close();
      throw e;
    }
  }

  /** The port the application listens on. */
  public int port() {
    return port.getNow(-1);
  }

  /** The process id, so tools such as {@code jcmd} can attach to the application's JVM. */
  public long pid() {
    return process.pid();
  }

  /** CPU time the process has used so far (all its threads), or zero where the OS does not say. */
  public Duration cpuTime() {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** What the process printed so far (the end of it, when long). */
  public String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  private void readOutput() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!port.isDone() && line.startsWith("PORT=")) {
          port.complete(Integer.parseInt(line.substring(5).trim()));
        }
        synchronized (output) {
          output.append(line).append('\n');
          if (output.length() > KEEP_CHARS) {
            output.delete(0, output.length() - KEEP_CHARS);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // The stream closes when the process dies; what was read so far is kept.
    } finally {
      port.completeExceptionally(new IllegalStateException("the process closed its output"));
    }
  }

  /** Ends the process: politely, then forcibly after 5 s; waits for it to be gone. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
