package dev.braintrust.reactive.benchmarks;

import com.sun.management.GcInfo;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.BraintrustExporterBuilder;
import dev.braintrust.reactive.core.export.ExporterStats;
import dev.braintrust.reactive.core.internal.EventEncoder;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ObjIntConsumer;

/**
 * Retained (live) heap while a producer much faster than the network fills the exporter's buffer:
 * the sink answers each request after a delay, the policy is {@code dropNewest}, and at regular
 * intervals the producer forces a full GC ({@code System.gc()}) and reads the heap in use, which is
 * then the live set. The live heap over the baseline (taken the same way before the exporter
 * exists) should follow the buffer's capacity and stay flat however many spans are produced.
 */
final class LiveHeapBenchmark {
  private static final double MIB = 1024.0 * 1024.0;

  /**
   * Allowance for what does not scale with the buffer: the client with its event loops and buffer
   * pools, the sink, encode and gzip buffers.
   */
  static final double FIXED_MIB = 32;

  /**
   * The byte-capped run's budget in units of its {@code capacityBytes}: the events as objects (at
   * most {@code capacityBytes} as the exporter estimates them), their JSON in the batches being
   * encoded and sent (they keep their charge until settled), and the gzip buffers.
   */
  static final double BYTES_FACTOR = 3;

  /**
   * The byte-capped run's event capacity, in multiples of the rows its {@code capacityBytes} holds:
   * high enough that only the byte budget can bind, low enough that the heap survives if it did
   * not.
   */
  static final int EVENT_HEADROOM = 10;

  /** Growth from the first half of a run to the second that still counts as flat, at least. */
  static final double FLAT_SLACK_MIB = 8;

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  /** One run: what was produced and kept, and the live heap samples' summary, in MiB. */
  record Result(
      String name,
      int capacity,
      long capacityBytes,
      long produced,
      long accepted,
      long dropped,
      long maxHeld,
      long maxHeldBytes,
      long rowBytes,
      double baselineMiB,
      double maxLiveMiB,
      double medianLiveMiB,
      double firstHalfMiB,
      double secondHalfMiB,
      int samples) {
    /** The largest live heap over the baseline, transient buffers included. */
    double overBaselineMiB() {
      return maxLiveMiB - baselineMiB;
    }

    /** The median live heap over the baseline: what the run holds steadily. */
    double steadyMiB() {
      return medianLiveMiB - baselineMiB;
    }

    /**
     * With a byte capacity, {@link #BYTES_FACTOR} times it; otherwise the capacity's rows twice (as
     * objects and as encoded JSON); plus {@link #FIXED_MIB} either way.
     */
    double budgetMiB() {
      return byteCapped()
          ? BYTES_FACTOR * capacityBytes / MIB + FIXED_MIB
          : 2.0 * capacity * rowBytes / MIB + FIXED_MIB;
    }

    /** Whether the run's capacity is {@code capacityBytes} rather than events. */
    boolean byteCapped() {
      return capacityBytes > 0;
    }

    /** How {@link #budgetMiB} is made up, for the report. */
    String budgetRule() {
      return byteCapped()
          ? String.format(Locale.ROOT, "%.0f x capacityBytes + %.0f", BYTES_FACTOR, FIXED_MIB)
          : String.format(Locale.ROOT, "2 x capacity x row + %.0f", FIXED_MIB);
    }

    /** The second half's median live heap over the first half's, in MiB. */
    double growthMiB() {
      return secondHalfMiB - firstHalfMiB;
    }

    /**
     * The second half holds no more than the first (medians of the samples, so a request caught in
     * flight does not decide): growth within {@link #FLAT_SLACK_MIB} or a quarter of the first
     * half's live heap over the baseline.
     */
    boolean flat() {
      return growthMiB() <= Math.max(FLAT_SLACK_MIB, 0.25 * (firstHalfMiB - baselineMiB));
    }

    /**
     * The exporter never held more events than its capacity (queued, batched and in flight
     * together), nor, with a byte capacity, more estimated bytes than it.
     */
    boolean heldWithinCapacity() {
      return maxHeld <= capacity && (!byteCapped() || maxHeldBytes <= capacityBytes);
    }

    /** Flat, the steady live heap within the budget, and the events held within capacity. */
    boolean bounded() {
      return flat() && steadyMiB() <= budgetMiB() && heldWithinCapacity();
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s: live over baseline median %.1f MiB, max %.1f (baseline %.1f), halves %.1f/%.1f,"
              + " produced %d, accepted %d, dropped %d, held at most %d (%.1f MiB), budget %.1f",
          name,
          steadyMiB(),
          overBaselineMiB(),
          baselineMiB,
          firstHalfMiB - baselineMiB,
          secondHalfMiB - baselineMiB,
          produced,
          accepted,
          dropped,
          maxHeld,
          maxHeldBytes / MIB,
          budgetMiB());
    }
  }

  private LiveHeapBenchmark() {}

  /**
   * Heap in use at the end of a full GC, in MiB: the GC's own after-GC figure for the heap pools,
   * so that what other threads allocate between the GC and this read is not counted.
   */
  static double liveMiB() {
    System.gc();
    Set<String> heapPools = new HashSet<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        heapPools.add(p.getName());
      }
    }
    GcInfo last = null;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof com.sun.management.GarbageCollectorMXBean g) {
        GcInfo info = g.getLastGcInfo();
        if (info != null && (last == null || info.getEndTime() > last.getEndTime())) {
          last = info;
        }
      }
    }
    if (last == null) {
      return MEMORY.getHeapMemoryUsage().getUsed() / MIB;
    }
    long used = 0;
    for (Map.Entry<String, MemoryUsage> e : last.getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) {
        used += e.getValue().getUsed();
      }
    }
    return used / MIB;
  }

  /**
   * Every configured run: the event capacities, then the byte-sized rows, after a short run that is
   * not reported, so what the first client creates once for the whole JVM is in every baseline.
   */
  static List<Result> runAll() throws InterruptedException {
    List<Result> out = new ArrayList<>();
    int samples = Settings.integer("bench.heap.samples");
    Duration seconds = Duration.ofSeconds(Settings.integer("bench.heap.seconds"));
    run("warm-up", Duration.ofMillis(500), 500, 0, 2, LiveHeapBenchmark::recordDistinct, 0);
    for (int capacity : Settings.integers("bench.heap.capacities")) {
      out.add(
          run(
              "capacity " + String.format(Locale.ROOT, "%,d", capacity) + " events, LLM spans",
              seconds,
              capacity,
              0,
              samples,
              LiveHeapBenchmark::recordDistinct,
              sampleRowBytes(LiveHeapBenchmark::recordDistinct)));
    }
    int rowKiB = Settings.integer("bench.heap.rowKiB");
    if (rowKiB > 0) {
      String base = big(rowKiB * 1024);
      ObjIntConsumer<Tracer> big = (tracer, i) -> recordBig(tracer, base, i);
      long capacityBytes = Settings.integer("bench.heap.rowCapacityMiB") * 1024L * 1024L;
      long rowBytes = sampleRowBytes(big);
      int capacity =
          (int) Math.min(Integer.MAX_VALUE, EVENT_HEADROOM * Math.max(1, capacityBytes / rowBytes));
      out.add(
          run(
              String.format(
                  Locale.ROOT,
                  "capacityBytes %s MiB, rows of %d KiB (event capacity %,d)",
                  Settings.get("bench.heap.rowCapacityMiB"),
                  rowKiB,
                  capacity),
              seconds,
              capacity,
              capacityBytes,
              samples,
              big,
              rowBytes));
    }
    return out;
  }

  /**
   * Produces as fast as one thread can for {@code duration} into an exporter of {@code capacity}
   * events and, when positive, {@code capacityBytes} (otherwise defaults) whose sink is slow,
   * sampling the live heap, the events the exporter holds ({@code pending}) and the bytes it
   * charges them ({@code bufferedBytes}) {@code samples} times at even intervals.
   */
  static Result run(
      String name,
      Duration duration,
      int capacity,
      long capacityBytes,
      int samples,
      ObjIntConsumer<Tracer> produce,
      long rowBytes)
      throws InterruptedException {
    Duration delay = Duration.ofMillis(Settings.integer("bench.heap.delayMs"));
    // The previous run's exporter lets go of its buffer a moment after its shutdown returns.
    Thread.sleep(1500);
    double baseline = liveMiB();
    List<Double> live = new ArrayList<>();
    long held = 0;
    long heldBytes = 0;
    try (SinkServer slow = new SinkServer(delay)) {
      BraintrustClient client =
          BraintrustClient.builder().apiKey("bench").baseUrl(slow.url()).build();
      BraintrustExporterBuilder builder = BraintrustExporter.builder(client).capacity(capacity);
      if (capacityBytes > 0) {
        builder.capacityBytes(capacityBytes);
      }
      BraintrustExporter exporter = builder.build();
      Tracer tracer = Tracer.create(exporter, Destination.projectLogs("bench"));
      long start = System.nanoTime();
      long step = duration.toNanos() / Math.max(1, samples);
      long next = start + step;
      int produced = 0;
      while (live.size() < samples) {
        produce.accept(tracer, produced++);
        if ((produced & 63) == 0) {
          // Measured all along, not only at the heap samples: what the exporter holds peaks
          // between them, as batches are sealed and sent.
          held = Math.max(held, exporter.stats().pending());
          heldBytes = Math.max(heldBytes, exporter.bufferedBytes());
          if (System.nanoTime() >= next) {
            live.add(liveMiB());
            next += step;
          }
        }
      }
      ExporterStats st = exporter.stats();
      exporter.shutdown(Duration.ofMillis(1)).block();
      int half = live.size() / 2;
      return new Result(
          name,
          capacity,
          capacityBytes,
          produced,
          st.accepted(),
          st.droppedTotal(),
          held,
          heldBytes,
          rowBytes,
          baseline,
          Stats.of(live).max(),
          Stats.of(live).median(),
          Stats.of(live.subList(0, Math.max(1, half))).median(),
          Stats.of(live.subList(half, live.size())).median(),
          live.size());
    }
  }

  /**
   * The workload's LLM span with its own user message and answer (as real prompts are distinct
   * objects; the system prompt is shared), so what the buffer holds is what it would hold.
   */
  static void recordDistinct(Tracer tracer, int i) {
    String suffix = " #" + i;
    dev.braintrust.reactive.core.Span span = tracer.startSpan("Chat Completion", SpanType.LLM);
    span.log(
        Log.builder()
            .input(
                List.of(
                    Map.of("role", "system", "content", Workload.SYSTEM),
                    Map.of("role", "user", "content", Workload.USER + suffix)))
            .output(Map.of("role", "assistant", "content", Workload.ANSWER + suffix))
            .metadata("model", "gpt-4o-mini")
            .metadata("user_id", "u-1234")
            .metric("prompt_tokens", 250)
            .metric("completion_tokens", 120)
            .metric("tokens", 370)
            .build());
    span.end();
  }

  /** A span whose input is a distinct string of about {@code base}'s size, as real prompts are. */
  static void recordBig(Tracer tracer, String base, int i) {
    dev.braintrust.reactive.core.Span span = tracer.startSpan("Big document", SpanType.LLM);
    span.log(
        Log.builder()
            .input(base + i)
            .output(Workload.OUTPUT)
            .metadata("model", "gpt-4o-mini")
            .build());
    span.end();
  }

  /** About {@code chars} characters of prose. */
  static String big(int chars) {
    StringBuilder b = new StringBuilder(chars + Workload.USER.length());
    while (b.length() < chars) {
      b.append(Workload.USER).append(' ').append(b.length()).append(' ');
    }
    b.setLength(chars);
    return b.toString();
  }

  /** The encoded size of one row the producer records. */
  static long sampleRowBytes(ObjIntConsumer<Tracer> produce) {
    List<BraintrustEvent> rows = new ArrayList<>();
    produce.accept(Tracer.create(rows::add, Destination.projectLogs("bench")), 0);
    return new EventEncoder().encode(rows.get(0)).json().length;
  }

  /** The bounded-heap table. */
  static String section(List<Result> results) {
    StringBuilder md = new StringBuilder();
    md.append("## Live heap: producer faster than the network (bounded buffer)\n\n")
        .append(
            String.format(
                    Locale.ROOT,
                    "One thread produces for %s s; the sink answers each request after %s ms; exporter "
                        + "defaults but the capacity (`dropNewest` policy). Live heap = heap used at the end "
                        + "of a `System.gc()`, sampled %s times per run in the producer loop, "
                        + "over the baseline taken the same way before the exporter exists; the median "
                        + "is what the run holds steadily, the max includes requests caught in flight. "
                        + "Flat: the second half's median is at most %.0f MiB (or a quarter) over the "
                        + "first's. Bounded: flat, and the median within the budget = 2 x capacity x "
                        + "encoded row size + %.0f MiB for an event capacity; for the run capped by "
                        + "`capacityBytes` (its event capacity set %dx above what the bytes allow, so "
                        + "only they bind), %.0f x capacityBytes + %.0f MiB: the events as objects, "
                        + "their JSON in batches being sent (charged until settled) and gzip buffers.",
                    Settings.get("bench.heap.seconds"),
                    Settings.get("bench.heap.delayMs"),
                    Settings.get("bench.heap.samples"),
                    FLAT_SLACK_MIB,
                    FIXED_MIB,
                    EVENT_HEADROOM,
                    BYTES_FACTOR,
                    FIXED_MIB)
                + " Events held = the largest `pending` (accepted, not yet delivered or dropped:"
                + " queued, batched and in flight) and, for the byte-capped run, the largest"
                + " `bufferedBytes` (its estimate of what it holds), read every 64 spans produced;"
                + " bounded also needs it at most the capacity (and `capacityBytes`).\n\n")
        .append(
            "| run | spans produced | accepted | dropped (counted) | events held at most | row bytes | live over baseline MiB, median (max) | 1st half / 2nd half median MiB | budget MiB | bounded |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %,d | %,d | %,d (%s) | %,d | **%.1f** (%.1f) | %.1f / %.1f | %.1f | %s |%n",
              r.name(),
              r.produced(),
              r.accepted(),
              r.dropped(),
              r.maxHeld(),
              r.byteCapped()
                  ? String.format(
                      Locale.ROOT,
                      "%.1f of %.0f MiB",
                      r.maxHeldBytes() / MIB,
                      r.capacityBytes() / MIB)
                  : String.format(
                      Locale.ROOT, "%.1fx capacity", (double) r.maxHeld() / r.capacity()),
              r.rowBytes(),
              r.steadyMiB(),
              r.overBaselineMiB(),
              r.firstHalfMiB() - r.baselineMiB(),
              r.secondHalfMiB() - r.baselineMiB(),
              r.budgetMiB(),
              r.bounded() ? "yes" : (r.flat() ? "over budget" : "grows")));
    }
    Result small = null;
    Result large = null;
    for (Result r : results) {
      if (!r.byteCapped() && r.rowBytes() < 10_000) {
        small = small == null || r.capacity() < small.capacity() ? r : small;
        large = large == null || r.capacity() > large.capacity() ? r : large;
      }
    }
    if (small != null && large != small) {
      double perEvent =
          (large.steadyMiB() - small.steadyMiB()) * MIB / (large.capacity() - small.capacity());
      md.append(
          String.format(
              Locale.ROOT,
              "%nFrom capacity %,d to %,d the median live heap grew by %.1f MiB: %,.0f bytes per extra "
                  + "buffered event, whose encoded row is %,d bytes.%n",
              small.capacity(),
              large.capacity(),
              large.steadyMiB() - small.steadyMiB(),
              perEvent,
              large.rowBytes()));
    }
    return md.toString();
  }
}
