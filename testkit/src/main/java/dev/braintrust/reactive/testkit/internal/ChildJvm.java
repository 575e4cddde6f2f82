package dev.braintrust.reactive.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a {@code main} class in a child JVM on the caller's class path, for tests of what a process
 * does at exit: its environment is the caller's less every {@code BRAINTRUST_*} variable, plus the
 * given ones. Waits for it to exit, with a generous deadline, and returns what it printed.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * What the child printed and how it ended.
   *
   * @param exitCode its exit code
   * @param stdout its standard output
   * @param stderr its standard error
   */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Lines of standard error that contain {@code text}. */
    public List<String> stderrLinesContaining(String text) {
      List<String> out = new ArrayList<>();
      for (String line : stderr.split("\\R")) {
        if (line.contains(text)) {
          out.add(line);
        }
      }
      return out;
    }
  }

  /**
   * Runs {@code main} with {@code args} and the extra environment, on {@code classPath}.
   *
   * @param classPath the child's class path
   * @param main the class whose main runs
   * @param env variables added to the child's environment
   * @param deadline how long it may take before the test fails (it is then killed)
   * @param args its arguments
   * @return what it printed
   */
  public static Result run(
      String classPath, Class<?> main, Map<String, String> env, Duration deadline, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", classPath));
    command.add(main.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("BRAINTRUST_"));
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            main.getSimpleName() + " did not exit within " + deadline + "; stderr so far unknown");
      }
      // The pipes close at exit, so the readers finish just after it.
      return new Result(p.exitValue(), out.get(1, TimeUnit.MINUTES), err.get(1, TimeUnit.MINUTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("could not read the child's output", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * A loopback port nothing listens on (it was free a moment ago), for "unreachable server" tests.
   */
  public static int closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The caller's class path. */
  public static String classPath() {
    return System.getProperty("java.class.path");
  }

  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.completeExceptionally(e);
              }
            },
            "child-jvm-output");
    t.setDaemon(true);
    t.start();
    return text;
  }
}
