package dev.braintrust.reactive.core.internal;

import java.lang.System.Logger.Level;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Where the library logs: SLF4J when it is on the class path (through Reactor's {@link Loggers}),
 * so messages reach the host's logs even while a Spring app is stopping; otherwise {@link
 * System.Logger}, which a plain JVM sends to java.util.logging. Messages use SLF4J's {@code {}}
 * placeholders either way.
 */
public abstract class LibraryLog {
  private static final boolean SLF4J = present("org.slf4j.LoggerFactory");

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

  private static boolean present(String className) {
    try {
      Class.forName(className, false, LibraryLog.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
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
      logger.debug(format, args);
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
      if (logger.isLoggable(Level.DEBUG)) {
        logger.log(Level.DEBUG, format(format, args));
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
