package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.export.OverflowPolicy;
import dev.braintrust.reactive.core.export.Transport;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Spans produced on virtual threads, through {@code @Traced} proxies and by hand, reach the
 * exporter, and none of our code pins a carrier thread on the way: JFR records every {@code
 * jdk.VirtualThreadPinned} event (threshold zero) while producers wait for room in a small blocking
 * buffer in front of a slow transport. Compiled for Java 17, so virtual threads are made through
 * {@code Executors.newVirtualThreadPerTaskExecutor()} found by reflection.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadTracingTest {
  static final int TASKS = 200;
  static final int WARM_UP = 50;

  interface Assistant {
    @Traced(type = SpanType.LLM)
    String answer(String question);

    @Traced
    Mono<Integer> lookup(int id);

    @Traced
    Flux<String> stream(int n);
  }

  static final class Impl implements Assistant {
    @Override
    public String answer(String question) {
      return "A:" + question;
    }

    @Override
    public Mono<Integer> lookup(int id) {
      // Completes on the calling (virtual) thread: a span ended on a Reactor non-blocking thread
      // never waits for room, so it would not exercise the blocking path.
      return Mono.fromSupplier(() -> id * 2);
    }

    @Override
    public Flux<String> stream(int n) {
      return Flux.range(0, n).map(i -> "s" + i);
    }
  }

  @Test
  void spansFromVirtualThreadsAreExportedWithoutPinningACarrier(@TempDir Path dir)
      throws Throwable {
    AtomicLong rows = new AtomicLong();
    // Slow enough that the small buffer fills and producers park under the block policy.
    Transport slow =
        (d, b) ->
            Mono.fromSupplier(
                    () -> {
                      rows.addAndGet(b.size());
                      return InsertResult.of(b.size(), b.bodyBytes(), b.bodyBytes(), 1, 0);
                    })
                .delaySubscription(Duration.ofMillis(2));
    BraintrustExporter exporter =
        BraintrustExporter.builder(slow)
            .capacity(16)
            .maxBatchEvents(8)
            .maxConcurrentRequests(1)
            .flushInterval(Duration.ofMillis(5))
            .overflowPolicy(OverflowPolicy.block(Duration.ofSeconds(30)))
            .build();
    Tracer tracer = Tracer.create(exporter, Destination.projectLogs("p"));
    Assistant assistant = tracer.instrument(Assistant.class, new Impl());

    // A first round loads every class involved: class loading pins a virtual thread in any code,
    // a JDK limitation that says nothing about ours.
    runTasks(TASKS, WARM_UP, tracer, assistant);

    Path jfr = dir.resolve("pinning.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
      recording.enable("jdk.VirtualThreadStart");
      recording.start();

      runTasks(0, TASKS, tracer, assistant);
      exporter.flush().block(Duration.ofSeconds(60));
      recording.stop();
      recording.dump(jfr);
    } finally {
      exporter.close();
    }

    // Four spans per task: the task's own and one per traced call.
    long spans = (TASKS + WARM_UP) * 4L;
    assertThat(exporter.stats().delivered()).isEqualTo(spans);
    assertThat(exporter.stats().droppedTotal()).isZero();
    assertThat(rows.get()).isEqualTo(spans);

    List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
    // The recording did see the virtual threads, so an empty pinned list means something.
    assertThat(events).anyMatch(e -> e.getEventType().getName().equals("jdk.VirtualThreadStart"));
    List<String> pinnedInOurCode =
        events.stream()
            .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned"))
            .filter(VirtualThreadTracingTest::inOurCode)
            .map(VirtualThreadTracingTest::describe)
            .collect(Collectors.toList());
    assertThat(pinnedInOurCode).isEmpty();
    Files.deleteIfExists(jfr);
  }

  /** Runs tasks {@code from} to {@code from + count - 1}, each on its own virtual thread. */
  private static void runTasks(int from, int count, Tracer tracer, Assistant assistant)
      throws Throwable {
    ExecutorService virtualThreads = newVirtualThreadPerTaskExecutor();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        int n = i;
        done.add(
            virtualThreads.submit(
                () -> {
                  assertThat(isVirtual(Thread.currentThread())).isTrue();
                  Span parent = tracer.startSpan("task-" + n);
                  try (Scope ignored = parent.makeCurrent()) {
                    assertThat(assistant.answer("q" + n)).isEqualTo("A:q" + n);
                    assertThat(assistant.lookup(n).block()).isEqualTo(n * 2);
                    assertThat(assistant.stream(3).collectList().block()).hasSize(3);
                    parent.output(n).metric("n", n);
                  } finally {
                    parent.end();
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      virtualThreads.shutdown();
      assertThat(virtualThreads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * Whether a frame of the library (any {@code dev.braintrust} class but this test's own) is on the
   * pinned stack: the test's frames are on every stack, being where the virtual threads start.
   */
  private static boolean inOurCode(RecordedEvent e) {
    return e.getStackTrace() != null
        && e.getStackTrace().getFrames().stream()
            .map(f -> f.getMethod().getType().getName())
            .anyMatch(
                c ->
                    c.startsWith("dev.braintrust.")
                        && !c.startsWith(VirtualThreadTracingTest.class.getName()));
  }

  private static String describe(RecordedEvent e) {
    return e.getDuration()
        + " pinned at "
        + e.getStackTrace().getFrames().stream()
            .map(VirtualThreadTracingTest::frame)
            .collect(Collectors.joining(" <- "));
  }

  private static String frame(RecordedFrame f) {
    return f.getMethod().getType().getName()
        + "."
        + f.getMethod().getName()
        + ":"
        + f.getLineNumber();
  }

  /** {@code thread.isVirtual()}, a Java 21 API, called reflectively. */
  private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
    return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()}, a Java 21 API, called reflectively. */
  private static ExecutorService newVirtualThreadPerTaskExecutor() throws Throwable {
    MethodHandle factory =
        MethodHandles.publicLookup()
            .findStatic(
                java.util.concurrent.Executors.class,
                "newVirtualThreadPerTaskExecutor",
                MethodType.methodType(ExecutorService.class));
    return (ExecutorService) factory.invoke();
  }
}
