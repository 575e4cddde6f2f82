package dev.braintrust.reactive.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of another process's threads, grouped by thread name, from Linux's {@code
 * /proc/<pid>/task}: where the application's CPU per request goes (its request threads, the
 * exporter's, the collector's, the JIT's). Read twice around a measured window, no agent or
 * safepoint in the application. Threads that exit inside the window show only in the process total,
 * as "(exited)". Empty where {@code /proc} is absent.
 */
final class ThreadCpu {
  /** Clock ticks per second of {@code /proc}'s times: USER_HZ, 100 on every Linux ABI in use. */
  private static final double TICKS_PER_SECOND = 100;

  private final Map<Integer, Long> ticksByTid;
  private final Map<Integer, String> groupByTid;
  private final long processTicks;

  private ThreadCpu(Map<Integer, Long> ticks, Map<Integer, String> groups, long process) {
    this.ticksByTid = ticks;
    this.groupByTid = groups;
    this.processTicks = process;
  }

  /** The threads of {@code pid} now; an empty reading when {@code /proc} can't be read. */
  static ThreadCpu read(long pid) {
    Map<Integer, Long> ticks = new HashMap<>();
    Map<Integer, String> groups = new HashMap<>();
    Path proc = Path.of("/proc", Long.toString(pid));
    long process = 0;
    try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
      process = ticks(Files.readString(proc.resolve("stat")));
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int tid = Integer.parseInt(task.getFileName().toString());
          ticks.put(tid, ticks(stat));
          groups.put(tid, group(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))));
        } catch (IOException | RuntimeException e) {
          // The thread exited between the listing and the read: the process total keeps its time.
        }
      }
    } catch (IOException | RuntimeException e) {
      return new ThreadCpu(Map.of(), Map.of(), 0);
    }
    return new ThreadCpu(ticks, groups, process);
  }

  /**
   * Microseconds of CPU per {@code unit} (e.g. per request) each thread group used between {@code
   * before} and this reading, largest first, with the exited threads' share; empty when either
   * reading is.
   */
  Map<String, Double> since(ThreadCpu before, long units) {
    if (processTicks == 0 || before.processTicks == 0 || units <= 0) {
      return Map.of();
    }
    double micros = 1e6 / TICKS_PER_SECOND / units;
    Map<String, Long> byGroup = new TreeMap<>();
    long counted = 0;
    for (Map.Entry<Integer, Long> e : ticksByTid.entrySet()) {
      long delta = e.getValue() - before.ticksByTid.getOrDefault(e.getKey(), 0L);
      byGroup.merge(groupByTid.get(e.getKey()), delta, Long::sum);
      counted += delta;
    }
    byGroup.put("(exited)", Math.max(0, processTicks - before.processTicks - counted));
    Map<String, Double> out = new LinkedHashMap<>();
    byGroup.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue() * micros));
    return out;
  }

  /** This process's threads now. */
  static ThreadCpu self() {
    return read(ProcessHandle.current().pid());
  }

  /**
   * {@code groups} folded into what they do in an in-process pipeline run: the thread named {@code
   * producer} (which made the spans), the loopback sink's Reactor Netty threads, the collector and
   * VM threads, the JIT compilers, and the pipeline (every other thread: exporter, HTTP client,
   * exited threads).
   */
  static Map<String, Double> roles(Map<String, Double> groups, String producer) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String role : ROLES) {
      out.put(role, 0.0);
    }
    String own = group(producer.length() > 15 ? producer.substring(0, 15) : producer);
    for (Map.Entry<String, Double> e : groups.entrySet()) {
      String g = e.getKey();
      String role;
      if (g.equals(own) || g.equals("java")) {
        role = "producer";
      } else if (g.startsWith("reactor-http")) {
        role = "sink";
      } else if (g.startsWith("G1 ") || g.startsWith("GC Thread") || g.startsWith("VM ")) {
        role = "GC and VM";
      } else if (g.contains("CompilerThre")) {
        role = "JIT";
      } else {
        role = "pipeline";
      }
      out.merge(role, e.getValue(), Double::sum);
    }
    return out;
  }

  /** The roles of {@link #roles}, in the order they are reported. */
  static final java.util.List<String> ROLES =
      java.util.List.of("producer", "pipeline", "sink", "GC and VM", "JIT");

  /** Each group's median over {@code rounds} (zero in a round without it), largest first. */
  static Map<String, Double> medians(java.util.List<Map<String, Double>> rounds) {
    java.util.Set<String> groups = new java.util.TreeSet<>();
    rounds.forEach(r -> groups.addAll(r.keySet()));
    Map<String, Double> out = new LinkedHashMap<>();
    groups.stream()
        .map(
            g -> {
              double[] v =
                  rounds.stream().mapToDouble(r -> r.getOrDefault(g, 0.0)).sorted().toArray();
              int n = v.length;
              return Map.entry(g, n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
            })
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** One line: {@code group µs, ...}, the groups above {@code floor} µs. */
  static String format(Map<String, Double> groups, double floor) {
    StringBuilder s = new StringBuilder();
    double rest = 0;
    for (Map.Entry<String, Double> e : groups.entrySet()) {
      if (e.getValue() < floor) {
        rest += e.getValue();
        continue;
      }
      s.append(s.length() == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()));
    }
    return s.append(String.format(Locale.ROOT, ", others %.1f", rest)).toString();
  }

  /** A thread's name without its trailing number: {@code G1 Conc#0} and {@code http-3} pool. */
  static String group(String comm) {
    return comm.replaceAll("[#\\-_ ]?\\d+$", "").trim();
  }

  /** utime + stime of a {@code stat} line: fields 14 and 15, counted after the name's ')'. */
  private static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
