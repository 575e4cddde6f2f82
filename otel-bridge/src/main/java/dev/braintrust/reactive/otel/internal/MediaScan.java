package dev.braintrust.reactive.otel.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;

/**
 * Whether a span may carry inline media that {@code AttachmentConverter} would turn into
 * attachments: a text holding a data URI ({@code data:}), an Anthropic base64 source ({@code
 * base64}), OpenAI audio ({@code input_audio}) or a GenAI message's {@code blob} part (which the
 * mapping turns into a data URI). Over-inclusive by design: a yes only costs the span its mapping
 * on the caller's thread, as before deferral; a wrong no would send the media inline. Checked on
 * the caller's thread, so it only looks for the markers, and only in what can become the row's
 * input or output (the converter's scope): attributes a convention mapping reads ({@link
 * SpanRow#family}), {@code braintrust.*} ones and GenAI events. Any other attribute goes to
 * metadata as it is, so an HTTP span's URL or user agent is not searched.
 */
final class MediaScan {
  // The converter leaves base64 of 20 characters or fewer inline; a text that short has none.
  private static final int MIN_LENGTH = 20;

  private MediaScan() {}

  static boolean mayHoldMedia(SpanData span, List<GenAiEvent> logged) {
    if (anyIn(span.getAttributes(), true)) {
      return true;
    }
    for (EventData ev : span.getEvents()) {
      if (GenAiEvent.isGenAi(ev.getName()) && anyIn(ev.getAttributes(), false)) {
        return true;
      }
    }
    for (GenAiEvent ev : logged) {
      for (Map.Entry<String, Object> a : ev.attributes().entrySet()) {
        if (marked(a.getValue())) {
          return true;
        }
      }
      if (ev.body() != null && marked(ev.body().asString())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a value in {@code attributes} is marked; of a span's own, only those the mapper reads.
   */
  private static boolean anyIn(Attributes attributes, boolean spanAttributes) {
    boolean[] found = {false};
    attributes.forEach(
        (k, v) -> {
          if (!found[0] && (!spanAttributes || SpanRow.readByMapper(k.getKey())) && marked(v)) {
            found[0] = true;
          }
        });
    return found[0];
  }

  static boolean marked(Object value) {
    if (value instanceof String s) {
      return s.length() > MIN_LENGTH
          && (s.contains("data:")
              || s.contains("base64")
              || s.contains("input_audio")
              || s.contains("blob"));
    }
    if (value instanceof List<?> list) {
      for (Object o : list) {
        if (marked(o)) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof Number || value instanceof Boolean) {
      return false;
    }
    return value != null && marked(String.valueOf(value));
  }
}
