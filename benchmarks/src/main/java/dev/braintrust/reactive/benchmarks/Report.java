package dev.braintrust.reactive.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Assembles the whole of BENCHMARKS.md: the hand-written text from {@code
 * src/main/resources/benchmarks/*.md} (with {@code {{bench.x}}} placeholders filled in from the
 * settings), the machine and settings of this run, the goals table and every measured section.
 */
final class Report {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z0-9_.]+)}}");

  private final List<String> sections = new ArrayList<>();
  private final double loadBefore = load();

  /** Adds a measured section; its {@code ## } headings become {@code ### }. */
  void section(String markdown) {
    if (!markdown.isBlank()) {
      sections.add(markdown.replaceAll("(?m)^## ", "### ").strip());
    }
  }

  String document(Goals goals) {
    StringBuilder md = new StringBuilder();
    md.append(resource("intro.md")).append('\n');
    md.append(resource("method.md")).append('\n');
    md.append("## Latest run\n\n").append(machine()).append('\n');
    String changed = changedSettings();
    if (!changed.isEmpty()) {
      md.append("\n**Not the default sizes** (a smoke or partial run): ")
          .append(changed)
          .append(".\n");
    }
    md.append("\n### Goals (computed by the harness from this run)\n\n").append(goals.table());
    for (String s : sections) {
      md.append('\n').append(s).append('\n');
    }
    md.append('\n').append(resource("appendix.md"));
    return md.toString();
  }

  /** A resource under {@code benchmarks/}, placeholders filled in. */
  static String resource(String name) {
    String text;
    try (InputStream in = Report.class.getResourceAsStream("/benchmarks/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource benchmarks/" + name);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> values = Settings.values();
    values.put("settings.table", Settings.table().strip());
    values.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      if (v == null) {
        throw new IllegalStateException("unknown placeholder " + m.group() + " in " + name);
      }
      m.appendReplacement(
          out, Matcher.quoteReplacement(m.group(1).equals("settings.table") ? v : prose(v)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** {@code 200000} as {@code 200,000}, {@code 1,3,6,9} as {@code 1, 3, 6 and 9}. */
  static String prose(String value) {
    String[] parts = value.split(",");
    List<String> out = new ArrayList<>();
    for (String p : parts) {
      String t = p.trim();
      out.add(t.matches("\\d{4,}") ? String.format(Locale.ROOT, "%,d", Long.parseLong(t)) : t);
    }
    if (out.size() == 1) {
      return out.get(0);
    }
    return String.join(", ", out.subList(0, out.size() - 1)) + " and " + out.get(out.size() - 1);
  }

  private String machine() {
    Runtime rt = Runtime.getRuntime();
    String commit = commit();
    return String.format(
        Locale.ROOT,
        "Run on %s%s: %d cores, %d MiB max heap, %s %s, %s %s; load average %.1f before, %.1f after.",
        LocalDate.now(),
        commit.isEmpty() ? "" : " at commit " + commit,
        rt.availableProcessors(),
        rt.maxMemory() / (1024 * 1024),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        loadBefore,
        load());
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** Settings given a value other than their default, as {@code name=value}. */
  static String changedSettings() {
    StringBuilder out = new StringBuilder();
    for (String[] p : Settings.PROPERTIES) {
      String v = Settings.get(p[0]);
      if (!v.equals(p[1]) && !p[0].equals("bench.only")) {
        out.append(out.length() == 0 ? "" : ", ")
            .append('`')
            .append(p[0])
            .append('=')
            .append(v)
            .append('`');
      }
    }
    if (!Settings.get("bench.only").equals("all")) {
      out.append(out.length() == 0 ? "" : ", ")
          .append("`bench.only=")
          .append(Settings.get("bench.only"))
          .append('`');
    }
    return out.toString();
  }

  /** The short commit of the working directory's repository, or empty. */
  private static String commit() {
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]+")) {
        return out;
      }
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "";
  }
}
