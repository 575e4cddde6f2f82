package dev.braintrust.reactive.transport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the library logs, formatted: tracing-core logs through System.Logger, this module
 * through reactor.util.Loggers; without SLF4J on the classpath both end up in JUL.
 */
final class LogCapture extends Handler implements AutoCloseable {
  final List<String> messages = new CopyOnWriteArrayList<>();
  private final Logger root = Logger.getLogger("dev.braintrust.reactive");

  LogCapture() {
    root.addHandler(this);
  }

  @Override
  public void publish(LogRecord r) {
    String msg = new java.util.logging.SimpleFormatter().formatMessage(r);
    if (r.getThrown() != null) {
      msg += " " + r.getThrown();
    }
    messages.add(msg);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    root.removeHandler(this);
  }
}
