package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An answer to send: a JSON body, Server-Sent Events when {@code events} is set, or binary frames
 * (AWS event-stream messages) sent one by one when {@code frames} is set.
 *
 * @param status HTTP status
 * @param body JSON body bytes (unused for event streams)
 * @param headers extra response headers
 * @param events the events of an event stream, or null for a plain body
 * @param frames the messages of a binary stream, or null
 */
public record Reply(
    int status,
    byte[] body,
    Map<String, String> headers,
    @Nullable List<Event> events,
    @Nullable List<byte[]> frames) {
  /**
   * One Server-Sent Event.
   *
   * @param name the {@code event:} line's value, or null to send only {@code data:}
   * @param data the {@code data:} payload
   */
  public record Event(@Nullable String name, String data) {}

  /** Copies the collections so a reply can be shared across threads. */
  public Reply {
    headers = Map.copyOf(headers);
    events = events == null ? null : List.copyOf(events);
    frames = frames == null ? null : List.copyOf(frames);
  }

  /** A reply without binary frames. */
  public Reply(int status, byte[] body, Map<String, String> headers, @Nullable List<Event> events) {
    this(status, body, headers, events, null);
  }

  /** 200 with these binary messages, sent one write each, under {@code contentType}. */
  public static Reply frames(String contentType, List<byte[]> frames) {
    return new Reply(200, new byte[0], Map.of("content-type", contentType), null, frames);
  }

  /** A JSON answer. */
  public static Reply json(int status, JsonNode body) {
    return new Reply(status, Json.bytes(body), Map.of(), null);
  }

  /** 200 with a JSON body. */
  public static Reply ok(JsonNode body) {
    return json(200, body);
  }

  /** An error answer with the API's {@code {"error": message}} body. */
  public static Reply error(int status, String message) {
    return json(status, Json.error(message));
  }

  /** An answer with a body given verbatim, e.g. a scripted fault's. */
  public static Reply raw(int status, String body) {
    return new Reply(status, body.getBytes(StandardCharsets.UTF_8), Map.of(), null);
  }

  /** An answer with a body of another content type than JSON, e.g. JSON lines. */
  public static Reply text(int status, String contentType, String body) {
    return new Reply(
        status, body.getBytes(StandardCharsets.UTF_8), Map.of("content-type", contentType), null);
  }

  /** 200 with an event stream of these {@code data:} payloads, without event names. */
  public static Reply events(List<String> data) {
    return namedEvents(data.stream().map(d -> new Event(null, d)).toList());
  }

  /** 200 with an event stream of these events; Anthropic's clients drop events without a name. */
  public static Reply namedEvents(List<Event> events) {
    return new Reply(200, new byte[0], Map.of(), events);
  }

  /** This reply with extra headers. */
  public Reply withHeaders(Map<String, String> extra) {
    Map<String, String> h = new HashMap<>(headers);
    h.putAll(extra);
    return new Reply(status, body, h, events, frames);
  }
}
