package dev.braintrust.reactive.otel.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.trace.data.EventData;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A GenAI event ({@code gen_ai.user.message}, {@code gen_ai.choice}, {@code
 * gen_ai.client.inference.operation.details}, ...) as recorded on a span or emitted as a log record
 * inside it: its name, time, attributes and, for log records, body.
 *
 * @param name the event name
 * @param epochNanos when it happened
 * @param attributes its attributes, by key
 * @param body the log record's body, or null for a span event
 */
public record GenAiEvent(
    String name, long epochNanos, Map<String, Object> attributes, @Nullable Value<?> body) {
  private static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey("event.name");
  private static final @Nullable Method EVENT_NAME_GETTER = eventNameGetter();

  /** Whether events of this name are read by the mapping. */
  public static boolean isGenAi(@Nullable String name) {
    return name != null && name.startsWith("gen_ai.");
  }

  /** The event of a span event. */
  static GenAiEvent of(EventData event) {
    return new GenAiEvent(
        event.getName(), event.getEpochNanos(), byKey(event.getAttributes()), null);
  }

  /**
   * The GenAI event a log record carries, or null if it carries none. The name is the record's
   * event name (SDK 1.50 and later) or its {@code event.name} attribute (older instrumentation).
   */
  public static @Nullable GenAiEvent of(ReadWriteLogRecord record) {
    String name = record.getAttribute(EVENT_NAME);
    if (name == null && EVENT_NAME_GETTER != null) {
      try {
        name = (String) EVENT_NAME_GETTER.invoke(record);
      } catch (ReflectiveOperationException | RuntimeException unavailable) {
        name = null;
      }
    }
    if (!isGenAi(name)) {
      return null;
    }
    long at = record.getTimestampEpochNanos();
    if (at == 0) {
      at = record.getObservedTimestampEpochNanos();
    }
    return new GenAiEvent(name, at, byKey(record.getAttributes()), record.getBodyValue());
  }

  static Map<String, Object> byKey(Attributes attributes) {
    // Sized for them: a span's attributes often pass the default's resize point (12).
    Map<String, Object> out = new LinkedHashMap<>(attributes.size() * 4 / 3 + 1);
    attributes.forEach((k, v) -> out.put(k.getKey(), v));
    return out;
  }

  private static @Nullable Method eventNameGetter() {
    try {
      return ReadWriteLogRecord.class.getMethod("getEventName");
    } catch (NoSuchMethodException olderSdk) {
      return null;
    }
  }
}
