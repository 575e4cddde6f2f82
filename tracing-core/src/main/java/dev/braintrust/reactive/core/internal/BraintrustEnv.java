package dev.braintrust.reactive.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Braintrust settings from the process environment, with the {@code .env.braintrust} fallback of
 * braintrust-spec's {@code environment-variables.md}: a nonblank process value wins; else, for the
 * allowlisted variables only, the nearest {@code .env.braintrust} from the working directory up (at
 * most 64 parents) is read, and the nearest existing file is a boundary even when it lacks the
 * variable. Nothing here writes to the environment, and the file is read at most once per instance.
 */
public final class BraintrustEnv {
  /** The variables {@code .env.braintrust} may set ({@code env_braintrust: true} in envar.yaml). */
  public static final Set<String> DOTENV_ALLOWLIST =
      Set.of(
          "BRAINTRUST_API_KEY",
          "BRAINTRUST_APP_URL",
          "BRAINTRUST_API_URL",
          "BRAINTRUST_PROJECT",
          "BRAINTRUST_PROJECT_ID",
          "BRAINTRUST_ORG_NAME",
          "BRAINTRUST_ENVIRONMENT_TYPE",
          "BRAINTRUST_ENVIRONMENT_NAME");

  /** The file's name. */
  public static final String DOTENV_FILE = ".env.braintrust";

  static final int MAX_PARENTS = 64;
  private static final LibraryLog LOG = LibraryLog.get(BraintrustEnv.class);
  private static volatile @Nullable BraintrustEnv system;

  private final Map<String, String> env;
  private final @Nullable Path cwd;
  // Read on first use of a variable the process environment lacks; never re-read.
  private volatile @Nullable Map<String, String> dotenv;

  private BraintrustEnv(Map<String, String> env, @Nullable Path cwd) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.cwd = cwd;
  }

  /**
   * The JVM's environment and working directory (read once per JVM).
   *
   * @return the process's settings
   */
  public static BraintrustEnv system() {
    BraintrustEnv s = system;
    if (s == null) {
      Path cwd;
      try {
        cwd = Path.of(System.getProperty("user.dir", ".")).toAbsolutePath().normalize();
      } catch (RuntimeException e) {
        cwd = null;
      }
      s = new BraintrustEnv(System.getenv(), cwd);
      system = s;
    }
    return s;
  }

  /**
   * Settings from {@code env}, looking for {@code .env.braintrust} from {@code cwd} (none when
   * null).
   *
   * @param env the variables
   * @param cwd where the file search starts, or null for no file
   * @return the settings
   */
  public static BraintrustEnv of(Map<String, String> env, @Nullable Path cwd) {
    return new BraintrustEnv(env, cwd);
  }

  /**
   * The variable's value: the nonblank process value, else the nonblank {@code .env.braintrust}
   * value when the variable is allowlisted, else null. Values are trimmed.
   *
   * @param name the variable
   * @return its value, or null
   */
  public @Nullable String get(String name) {
    String v = env.get(name);
    if (v != null && !v.isBlank()) {
      return v.trim();
    }
    if (!DOTENV_ALLOWLIST.contains(name)) {
      return null;
    }
    String f = dotenv().get(name);
    return f == null || f.isBlank() ? null : f.trim();
  }

  /**
   * The first of {@code names} that has a value, for a variable with older aliases.
   *
   * @param names the variable and its aliases, in precedence order
   * @return the first value, or null
   */
  public @Nullable String first(String... names) {
    for (String n : names) {
      String v = get(n);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /**
   * A boolean variable: {@code true}, {@code 1}, {@code yes} or {@code on} (any case) are true;
   * unset is {@code otherwise}.
   *
   * @param name the variable
   * @param otherwise the value when unset
   * @return its value
   */
  public boolean flag(String name, boolean otherwise) {
    String v = get(name);
    if (v == null) {
      return otherwise;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      default -> false;
    };
  }

  /**
   * The process environment's own variables (never the file's), for settings outside the spec such
   * as proxies.
   *
   * @return the process environment
   */
  public Map<String, String> processEnvironment() {
    return env;
  }

  /**
   * The {@code .env.braintrust} in use, or null when none was found.
   *
   * @return the file found, or null
   */
  public @Nullable Path dotenvFile() {
    return nearestFile();
  }

  private Map<String, String> dotenv() {
    Map<String, String> d = dotenv;
    if (d == null) {
      d = read(nearestFile());
      dotenv = d;
    }
    return d;
  }

  private @Nullable Path nearestFile() {
    Path dir = cwd;
    for (int i = 0; dir != null && i <= MAX_PARENTS; i++, dir = dir.getParent()) {
      Path candidate = dir.resolve(DOTENV_FILE);
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static Map<String, String> read(@Nullable Path file) {
    if (file == null) {
      return Map.of();
    }
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      // The nearest file is a boundary even when unreadable: nothing from it, nothing above it.
      LOG.warn("Could not read {}: {}", file, e.toString());
      return Map.of();
    }
  }

  /**
   * Parses dotenv lines: {@code NAME=value}, an optional {@code export} prefix, {@code #} comments,
   * single- or double-quoted values (double quotes understand {@code \n}, {@code \"} and {@code
   * \\}). Names outside the allowlist are dropped here, so they can never leak out.
   */
  static Map<String, String> parse(String text) {
    Map<String, String> out = new HashMap<>();
    for (String raw : text.split("\r?\n|\r")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = line.substring(0, eq).strip();
      if (DOTENV_ALLOWLIST.contains(name)) {
        out.put(name, value(line.substring(eq + 1).strip()));
      }
    }
    return out;
  }

  private static String value(String v) {
    if (v.length() >= 2 && v.charAt(0) == '\'') {
      int end = v.indexOf('\'', 1);
      return end > 0 ? v.substring(1, end) : v.substring(1);
    }
    if (v.length() >= 2 && v.charAt(0) == '"') {
      StringBuilder b = new StringBuilder(v.length());
      for (int i = 1; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '"') {
          break;
        }
        if (c == '\\' && i + 1 < v.length()) {
          char n = v.charAt(++i);
          b.append(n == 'n' ? '\n' : n);
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }
    int comment = v.indexOf(" #");
    return (comment >= 0 ? v.substring(0, comment) : v).strip();
  }
}
