package dev.braintrust.reactive.transport.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * Incremental Server-Sent Events decoder. Works on bytes, so an event (or a multi-byte UTF-8
 * character) split across TCP packets is reassembled before it is decoded. Returns the {@code data}
 * payload of each complete event; multi-line data is joined with newlines. An {@code event: done}
 * (how Braintrust's function streams end) reads as {@code [DONE]} (how OpenAI's end).
 */
public final class SseDecoder {
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private boolean doneEvent;
  private boolean lastWasCr;

  /**
   * The payloads of the events in {@code chunks}, up to and including {@code [DONE]}; when the
   * chunks end before it, fails with {@code cut} applied to the last payload.
   */
  public static Flux<String> untilDone(
      Flux<byte[]> chunks, Function<String, ? extends RuntimeException> cut) {
    return Flux.defer(
        () -> {
          SseDecoder decoder = new SseDecoder();
          AtomicBoolean ended = new AtomicBoolean();
          String[] last = {""};
          return chunks
              .concatMapIterable(decoder::feed)
              .doOnNext(
                  d -> {
                    if (d.equals("[DONE]")) {
                      ended.set(true);
                    } else {
                      last[0] = d;
                    }
                  })
              .concatWith(
                  Flux.defer(() -> ended.get() ? Flux.empty() : Flux.error(cut.apply(last[0]))));
        });
  }

  /** Feeds the next chunk; returns the events it completed. */
  public List<String> feed(byte[] chunk) {
    List<String> out = new ArrayList<>(2);
    for (byte b : chunk) {
      if (b == '\n' && lastWasCr) {
        lastWasCr = false;
        continue;
      }
      lastWasCr = b == '\r';
      if (b == '\n' || b == '\r') {
        endLine(out);
      } else {
        line.write(b);
      }
    }
    return out;
  }

  private void endLine(List<String> out) {
    String l = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (l.isEmpty()) {
      if (doneEvent) {
        out.add("[DONE]");
      } else if (hasData) {
        out.add(data.toString());
      }
      data.setLength(0);
      hasData = false;
      doneEvent = false;
      return;
    }
    if (l.startsWith(":")) {
      return;
    }
    int colon = l.indexOf(':');
    String field = colon < 0 ? l : l.substring(0, colon);
    String value = colon < 0 ? "" : l.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    if (field.equals("event")) {
      doneEvent = value.equals("done");
    } else if (field.equals("data")) {
      if (hasData) {
        data.append('\n');
      }
      data.append(value);
      hasData = true;
    }
  }
}
