package dev.braintrust.reactive.core.internal;

import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Where the library logs: SLF4J when it is on the class path with a provider (through Reactor's
 * {@link Loggers}), so messages reach the host's logs even while a Spring app is stopping;
 * otherwise {@link System.Logger}, which a plain JVM sends to java.util.logging. SLF4J without a
 * provider (its no-operation fallback, as when a client library brings {@code slf4j-api} alone)
 * counts as absent, so a warning such as a refused API key still reaches the console. Messages use
 * SLF4J's {@code {}} placeholders either way.
 *
 * <p>{@code BRAINTRUST_DEBUG=true} (or the system property {@code braintrust.debug=true}) logs the
 * library's debug messages at the backend's info level, so they show without configuring it.
 */
public abstract class LibraryLog {
  private static final boolean SLF4J = slf4jWithProvider();
  static final boolean DEBUG = debugRequested();

  LibraryLog() {}

  /** The logger for {@code owner}. */
  public static LibraryLog get(Class<?> owner) {
    return SLF4J ? new Slf4j(Loggers.getLogger(owner)) : new Jdk(System.getLogger(owner.getName()));
  }

  /** Logs a warning; a trailing {@link Throwable} argument is logged as the cause. */
  public abstract void warn(String format, Object... args);

  /** Logs an error with its cause. */
  public abstract void error(String message, Throwable cause);

  /** Logs at debug level. */
  public abstract void debug(String format, Object... args);

  private static boolean present(String className, @Nullable ClassLoader loader) {
    try {
      Class.forName(className, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Whether {@code BRAINTRUST_DEBUG} asks for debug output. */
  public static boolean debugEnabled() {
    return DEBUG;
  }

  private static boolean debugRequested() {
    String v = System.getProperty("braintrust.debug");
    if (v == null) {
      // The process environment only: this runs while logging itself is being set up.
      v = System.getenv("BRAINTRUST_DEBUG");
    }
    return v != null && (v.trim().equalsIgnoreCase("true") || v.trim().equals("1"));
  }

  /**
   * SLF4J is usable when its API is present and it found a provider. Without one, SLF4J 2 falls
   * back to {@code NOP_FallbackServiceProvider} and 1.7 to {@code NOPLoggerFactory}: both discard
   * everything. Reflection keeps SLF4J an optional dependency.
   */
  static boolean slf4jWithProvider() {
    try {
      ClassLoader loader = LibraryLog.class.getClassLoader();
      Class<?> factory = Class.forName("org.slf4j.LoggerFactory", true, loader);
      Object loggers = factory.getMethod("getILoggerFactory").invoke(null);
      if (loggers == null) {
        return false;
      }
      if (!loggers.getClass().getName().startsWith("org.slf4j.helpers.NOP")) {
        return true;
      }
      // A NOP factory the application chose (slf4j-nop, 2.x or 1.7) is respected: silence.
      return present("org.slf4j.nop.NOPServiceProvider", loader)
          || present("org.slf4j.impl.StaticLoggerBinder", loader);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return false;
    }
  }

  private static final class Slf4j extends LibraryLog {
    private final Logger logger;

    Slf4j(Logger logger) {
      this.logger = logger;
    }

    @Override
    public void warn(String format, Object... args) {
      logger.warn(format, args);
    }

    @Override
    public void error(String message, Throwable cause) {
      logger.error(message, cause);
    }

    @Override
    public void debug(String format, Object... args) {
      if (DEBUG) {
        logger.info(format, args);
      } else {
        logger.debug(format, args);
      }
    }
  }

  private static final class Jdk extends LibraryLog {
    private final System.Logger logger;

    Jdk(System.Logger logger) {
      this.logger = logger;
    }

    @Override
    public void warn(String format, Object... args) {
      if (!logger.isLoggable(Level.WARNING)) {
        return;
      }
      Throwable cause = args.length > 0 && args[args.length - 1] instanceof Throwable t ? t : null;
      String text = format(format, args);
      if (cause != null) {
        logger.log(Level.WARNING, text, cause);
      } else {
        logger.log(Level.WARNING, text);
      }
    }

    @Override
    public void error(String message, Throwable cause) {
      logger.log(Level.ERROR, message, cause);
    }

    @Override
    public void debug(String format, Object... args) {
      Level level = DEBUG ? Level.INFO : Level.DEBUG;
      if (logger.isLoggable(level)) {
        logger.log(level, format(format, args));
      }
    }

    /** Fills {@code {}} placeholders in order, as SLF4J does. */
    static String format(String format, Object... args) {
      StringBuilder out = new StringBuilder(format.length() + 32);
      int from = 0;
      int arg = 0;
      for (int at = format.indexOf("{}");
          at >= 0 && arg < args.length;
          at = format.indexOf("{}", from)) {
        out.append(format, from, at).append(args[arg++]);
        from = at + 2;
      }
      return out.append(format, from, format.length()).toString();
    }
  }
}
