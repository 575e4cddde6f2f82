package dev.braintrust.reactive.testkit.internal;

import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.Fault;
import dev.braintrust.reactive.testkit.FaultInjector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The standalone server's options, parsed from a command line. Parsing checks everything before
 * anything binds, so a typo ends the command with a message naming the option rather than a server
 * that quietly misbehaves in some other way than the test wanted.
 */
public final class ServerCommandLine {
  /** The port the standalone server listens on unless told otherwise. */
  public static final int DEFAULT_PORT = 8787;

  /** The usage text {@code --help} prints. */
  public static final String USAGE =
      String.join(
          "\n",
          "Usage: java -cp <testkit jar and its dependencies> \\",
          "         dev.braintrust.reactive.testkit.BraintrustTestServer [options]",
          "",
          "Serves the Braintrust API (in memory) until the process is stopped (Ctrl-C).",
          "Prints \"... listening on http://HOST:PORT ...\" once it accepts requests.",
          "",
          "Server:",
          "  --port N                 port to listen on (default 8787; 0 picks a free one)",
          "  --host ADDRESS           address to bind (default 127.0.0.1)",
          "  --api-key KEY            the Bearer key to accept (default test-key)",
          "  --persist FILE           append every stored row to FILE as a JSON line",
          "  --no-gzip                answer gzip-encoded bodies 415",
          "  --max-body-bytes N       answer larger (decoded) bodies 413 (default 16777216)",
          "  --keep-ids-only          keep row ids only, not rows or bodies (soak tests)",
          "  --no-blob-content        keep only each attachment upload's size and SHA-256",
          "",
          "Faults (one kind, applied to every matching request unless --fail-count or",
          "--fail-every says otherwise):",
          "  --fail-status CODE       answer CODE (e.g. 503, 500, 429, 401) instead of serving",
          "  --retry-after SECONDS    with --fail-status: add a Retry-After header",
          "  --fail-body TEXT         with --fail-status: TEXT as the body, not the JSON error",
          "  --disconnect             read the request, then close the connection unanswered",
          "  --silent                 read the request and never answer (a hung server)",
          "  --delay DURATION         wait, then serve normally; with --fail-status or",
          "                           --disconnect: wait, then misbehave",
          "  --fail-count N           only the next N matching requests, then serve normally",
          "  --fail-every N           only every N-th matching request",
          "  --fail-path TEXT         only requests whose path contains TEXT (e.g. /insert)",
          "  --error-rate R           answer a random share R (0 to 1) of requests with",
          "  --error-status CODE      this status (default 503)",
          "  --rate-limit PER_SECOND  answer requests beyond this rate, counted across all",
          "                           clients, 429 with Retry-After: 1",
          "  --rate-limit-burst N     requests allowed at once (default PER_SECOND, rounded up)",
          "  --rate-limit-path TEXT   only requests whose path contains TEXT (default all)",
          "  --outage-seconds S       stop listening for S seconds (data kept), then listen",
          "                           on the same port again",
          "  --outage-after N         begin the outage once N requests were answered",
          "                           (default 0: right after the listening line)",
          "",
          "Fake model (the AI proxy routes):",
          "  --model-reply TEXT       the fake model's next reply (repeat for more)",
          "  --sse-delay DURATION     pause between streamed events",
          "",
          "  -h, --help               print this help and exit",
          "",
          "DURATION is a number with ms, s or m (250ms, 2s, 1m); a bare number is seconds.",
          "Exit codes: 2 for a bad option, 1 when the server cannot start.",
          "");

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");
  // "Never" for the silent fault: a delay far longer than any test, still a valid Reactor timer.
  private static final Duration FOREVER = Duration.ofDays(3650);

  boolean help;
  int port = DEFAULT_PORT;
  String host = "127.0.0.1";
  String apiKey = BraintrustTestServer.DEFAULT_API_KEY;
  @Nullable Path persist;
  boolean acceptGzip = true;
  long maxBodyBytes = 16L * 1024 * 1024;
  boolean retainRows = true;
  boolean retainBlobs = true;
  int failStatus;
  int retryAfter = -1;
  @Nullable String failBody;
  boolean disconnect;
  boolean silent;
  @Nullable Duration delay;
  int failCount;
  int failEvery;
  String failPath = "";
  double errorRate;
  int errorStatus = 503;
  double rateLimit;
  int rateLimitBurst;
  String rateLimitPath = "";
  @Nullable Duration outage;
  int outageAfter;
  final List<String> modelReplies = new ArrayList<>();
  @Nullable Duration sseDelay;

  private ServerCommandLine() {}

  /**
   * Parses a command line ({@code --name value} or {@code --name=value}).
   *
   * @throws IllegalArgumentException naming the option that is unknown, lacks its value, has a bad
   *     value, or conflicts with another
   */
  public static ServerCommandLine parse(String... args) {
    ServerCommandLine o = new ServerCommandLine();
    Args in = new Args(args);
    while (in.hasNext()) {
      String name = in.next();
      switch (name) {
        case "-h", "--help" -> o.help = true;
        case "--port" -> o.port = in.intValue(name, 0, 65_535);
        case "--host" -> o.host = in.text(name);
        case "--api-key" -> o.apiKey = in.text(name);
        case "--persist" -> o.persist = Path.of(in.text(name));
        case "--no-gzip" -> o.acceptGzip = false;
        case "--max-body-bytes" -> o.maxBodyBytes = in.intValue(name, 1, Integer.MAX_VALUE);
        case "--keep-ids-only" -> o.retainRows = false;
        case "--no-blob-content" -> o.retainBlobs = false;
        case "--fail-status" -> o.failStatus = in.intValue(name, 100, 599);
        case "--retry-after" -> o.retryAfter = in.intValue(name, 0, Integer.MAX_VALUE);
        case "--fail-body" -> o.failBody = in.text(name);
        case "--disconnect" -> o.disconnect = true;
        case "--silent" -> o.silent = true;
        case "--delay" -> o.delay = in.duration(name);
        case "--fail-count" -> o.failCount = in.intValue(name, 1, Integer.MAX_VALUE);
        case "--fail-every" -> o.failEvery = in.intValue(name, 1, Integer.MAX_VALUE);
        case "--fail-path" -> o.failPath = in.text(name);
        case "--error-rate" -> o.errorRate = in.share(name);
        case "--error-status" -> o.errorStatus = in.intValue(name, 100, 599);
        case "--rate-limit" -> o.rateLimit = in.positive(name);
        case "--rate-limit-burst" -> o.rateLimitBurst = in.intValue(name, 1, Integer.MAX_VALUE);
        case "--rate-limit-path" -> o.rateLimitPath = in.text(name);
        case "--outage-seconds" ->
            o.outage = Duration.ofMillis(Math.round(in.positive(name) * 1e3));
        case "--outage-after" -> o.outageAfter = in.intValue(name, 0, Integer.MAX_VALUE);
        case "--model-reply" -> o.modelReplies.add(in.text(name));
        case "--sse-delay" -> o.sseDelay = in.duration(name);
        default ->
            throw new IllegalArgumentException(
                (name.startsWith("-") ? "unknown option " : "unexpected argument ")
                    + "'"
                    + name
                    + "'");
      }
    }
    o.check();
    return o;
  }

  private void check() {
    int kinds = (failStatus > 0 ? 1 : 0) + (disconnect ? 1 : 0) + (silent ? 1 : 0);
    if (kinds > 1) {
      throw new IllegalArgumentException(
          "--fail-status, --disconnect and --silent are different faults; choose one");
    }
    if (silent && delay != null) {
      throw new IllegalArgumentException("--silent never answers; --delay adds nothing to it");
    }
    if (kinds == 0 && delay == null) {
      @Nullable String selector =
          failCount > 0
              ? "--fail-count"
              : failEvery > 0 ? "--fail-every" : !failPath.isEmpty() ? "--fail-path" : null;
      if (selector != null) {
        throw new IllegalArgumentException(
            selector + " needs a fault: --fail-status, --disconnect, --silent or --delay");
      }
    }
    if (failCount > 0 && failEvery > 0) {
      throw new IllegalArgumentException("--fail-count and --fail-every exclude each other");
    }
    if (retryAfter >= 0 && failStatus == 0) {
      throw new IllegalArgumentException("--retry-after needs --fail-status (e.g. 429 or 503)");
    }
    if (failBody != null && failStatus == 0) {
      throw new IllegalArgumentException("--fail-body needs --fail-status");
    }
    if ((rateLimitBurst > 0 || !rateLimitPath.isEmpty()) && rateLimit == 0) {
      throw new IllegalArgumentException(
          "--rate-limit-burst and --rate-limit-path need --rate-limit");
    }
    if (outageAfter > 0 && outage == null) {
      throw new IllegalArgumentException("--outage-after needs --outage-seconds");
    }
  }

  /** Whether {@code --help} was given. */
  public boolean help() {
    return help;
  }

  /** How long the outage lasts, or null for none. */
  public @Nullable Duration outage() {
    return outage;
  }

  /** How many answered requests the outage waits for. */
  public int outageAfter() {
    return outageAfter;
  }

  /** A server configured as the options say, not yet started. */
  public BraintrustTestServer build() {
    BraintrustTestServer.Builder b =
        BraintrustTestServer.builder()
            .port(port)
            .host(host)
            .apiKey(apiKey)
            .acceptGzip(acceptGzip)
            .maxBodyBytes(maxBodyBytes)
            .retainRows(retainRows)
            .retainBlobs(retainBlobs);
    if (persist != null) {
      b.persistTo(persist);
    }
    BraintrustTestServer server = b.build();
    applyTo(server);
    return server;
  }

  private void applyTo(BraintrustTestServer server) {
    FaultInjector faults = server.faults();
    Fault fault = fault();
    if (fault != null) {
      if (failCount > 0) {
        faults.enqueue(fault, failCount);
      } else {
        faults.everyNth(failEvery > 0 ? failEvery : 1, fault);
      }
    }
    if (errorRate > 0) {
      faults.randomErrors(errorRate, errorStatus);
    }
    if (rateLimit > 0) {
      int burst = rateLimitBurst > 0 ? rateLimitBurst : (int) Math.ceil(rateLimit);
      faults.rateLimit(rateLimit, burst, rateLimitPath);
    }
    modelReplies.forEach(server::scriptModelReply);
    if (sseDelay != null) {
      server.sseEventDelay(sseDelay);
    }
  }

  private @Nullable Fault fault() {
    Fault f;
    if (failStatus > 0) {
      f = Fault.status(failStatus);
      if (retryAfter >= 0) {
        f = f.header("Retry-After", Integer.toString(retryAfter));
      }
      if (failBody != null) {
        f = f.body(failBody);
      }
      if (delay != null) {
        f = f.delayed(delay);
      }
    } else if (disconnect) {
      f = delay != null ? Fault.disconnect().delayed(delay) : Fault.disconnect();
    } else if (silent) {
      f = Fault.delay(FOREVER);
    } else if (delay != null) {
      f = Fault.delay(delay);
    } else {
      return null;
    }
    return f.onPathContaining(failPath);
  }

  /** One line describing the faults in force, or null when there are none. */
  public @Nullable String describeFaults() {
    List<String> parts = new ArrayList<>();
    Fault f = fault();
    if (f != null) {
      String what =
          silent
              ? "no answer"
              : disconnect ? "disconnect" : failStatus > 0 ? "status " + failStatus : "";
      if (retryAfter >= 0) {
        what += " with Retry-After: " + retryAfter;
      }
      if (delay != null) {
        what =
            what.isEmpty()
                ? "serve after " + delay.toMillis() + " ms"
                : what + " after " + delay.toMillis() + " ms";
      }
      String which =
          failCount > 0
              ? "for the next " + failCount + " requests"
              : failEvery > 1 ? "for every " + failEvery + "th request" : "for every request";
      parts.add(
          what + " " + which + (failPath.isEmpty() ? "" : " whose path contains " + failPath));
    }
    if (errorRate > 0) {
      parts.add("status " + errorStatus + " for a random " + errorRate + " of requests");
    }
    if (rateLimit > 0) {
      parts.add(
          "429 beyond "
              + rateLimit
              + " requests/s"
              + (rateLimitPath.isEmpty() ? "" : " on " + rateLimitPath));
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  /** Reads option values one by one, naming the option in every complaint. */
  private static final class Args {
    private final String[] args;
    private int i;
    private @Nullable String inlineValue;

    Args(String[] args) {
      this.args = args.clone();
    }

    boolean hasNext() {
      return i < args.length;
    }

    String next() {
      String a = args[i++];
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        inlineValue = a.substring(eq + 1);
        return a.substring(0, eq);
      }
      inlineValue = null;
      return a;
    }

    String text(String name) {
      String v = inlineValue;
      inlineValue = null;
      if (v == null) {
        if (i >= args.length || args[i].startsWith("--")) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        v = args[i++];
      }
      if (v.isBlank()) {
        throw new IllegalArgumentException(name + " needs a value, got an empty one");
      }
      return v;
    }

    int intValue(String name, int min, int max) {
      String v = text(name);
      try {
        int n = Integer.parseInt(v);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below with the range
      }
      throw new IllegalArgumentException(
          name + " needs a whole number from " + min + " to " + max + ", got '" + v + "'");
    }

    double positive(String name) {
      String v = text(name);
      try {
        double d = Double.parseDouble(v);
        if (d > 0 && Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(name + " needs a positive number, got '" + v + "'");
    }

    double share(String name) {
      String v = text(name);
      try {
        double d = Double.parseDouble(v);
        if (d >= 0 && d <= 1) {
          return d;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(name + " needs a number from 0 to 1, got '" + v + "'");
    }

    Duration duration(String name) {
      String v = text(name);
      Matcher m = DURATION.matcher(v.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new IllegalArgumentException(
            name + " needs a duration such as 250ms, 2s or 1m, got '" + v + "'");
      }
      double n = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      double millis = unit.equals("ms") ? n : unit.equals("s") ? n * 1e3 : n * 60e3;
      return Duration.ofMillis(Math.round(millis));
    }
  }
}
