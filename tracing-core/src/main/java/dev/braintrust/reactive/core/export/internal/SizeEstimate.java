package dev.braintrust.reactive.core.export.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.internal.RawJson;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A cheap estimate of an event's JSON size, for the byte budget at admission, where the event is
 * not yet encoded (encoding runs later, on the encode threads). It walks strings, numbers, maps,
 * collections, arrays and Jackson trees; other objects (beans) count a flat {@value #OPAQUE} bytes.
 * Strings count one byte per character (exact for ASCII; non-ASCII text encodes larger). The walk
 * stops descending after {@value #MAX_NODES} values and counts the rest of a container at {@value
 * #PER_UNVISITED} bytes per element, so a huge graph costs a bounded amount.
 */
public final class SizeEstimate {
  static final int OPAQUE = 64;
  static final int MAX_NODES = 4096;
  static final int PER_UNVISITED = 16;
  // Braces and the id's field name.
  static final int ROW_OVERHEAD = 16;
  // A span's created time, its id fields' names and its span_attributes object.
  static final int SPAN_OVERHEAD = 100;

  private int nodes;

  private SizeEstimate() {}

  /** The estimated size of the event's JSON row in bytes, at least the fixed row overhead. */
  public static long of(BraintrustEvent e) {
    SizeEstimate s = new SizeEstimate();
    long n = ROW_OVERHEAD + e.id().length() + (e.isMerge() ? 17 : 0);
    if (e.spanId() != null) {
      n += SPAN_OVERHEAD;
    }
    n += text(e.spanId()) + text(e.rootSpanId()) + text(e.spanName()) + text(e.spanType());
    // start and end are written as seconds with microseconds.
    n += (Double.isNaN(e.startTime()) ? 0 : 28) + (Double.isNaN(e.endTime()) ? 0 : 26);
    for (String p : e.spanParents()) {
      n += p.length() + 3;
    }
    if (e.hasInput()) {
      n += 8 + s.value(e.input());
    }
    if (e.hasOutput()) {
      n += 9 + s.value(e.output());
    }
    if (e.hasExpected()) {
      n += 11 + s.value(e.expected());
    }
    if (e.hasError()) {
      n += 8 + s.value(e.error());
    }
    n += s.map(e.metadata()) + s.map(e.scores()) + s.map(e.otherMetrics()) + s.map(e.context());
    for (String t : e.tags()) {
      n += t.length() + 3;
    }
    return n;
  }

  private static long text(@Nullable String s) {
    return s == null ? 0 : s.length() + 8;
  }

  private long map(Map<?, ?> m) {
    if (m.isEmpty()) {
      return 0;
    }
    if (++nodes > MAX_NODES) {
      return 2L + (long) m.size() * PER_UNVISITED;
    }
    long n = 2;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      n += String.valueOf(e.getKey()).length() + 4 + value(e.getValue());
    }
    return n;
  }

  private long value(@Nullable Object v) {
    if (v == null) {
      return 4;
    }
    if (v instanceof CharSequence s) {
      return s.length() + 2L;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return 16;
    }
    if (++nodes > MAX_NODES) {
      return v instanceof Collection<?> c ? 2L + (long) c.size() * PER_UNVISITED : OPAQUE;
    }
    if (v instanceof Map<?, ?> m) {
      return map(m);
    }
    if (v instanceof List<?> l) {
      long n = 2;
      for (int i = 0; i < l.size(); i++) {
        n += 1 + value(l.get(i));
      }
      return n;
    }
    if (v instanceof Collection<?> c) {
      long n = 2;
      for (Iterator<?> it = c.iterator(); it.hasNext(); ) {
        n += 1 + value(it.next());
      }
      return n;
    }
    if (v instanceof Object[] a) {
      long n = 2;
      for (Object o : a) {
        n += 1 + value(o);
      }
      return n;
    }
    if (v instanceof byte[] b) {
      // Jackson writes byte arrays as base64.
      return 2L + (b.length + 2L) / 3 * 4;
    }
    int raw = RawJson.lengthOf(v);
    if (raw >= 0) {
      return raw;
    }
    if (v instanceof JsonNode j) {
      return node(j);
    }
    if (v instanceof Enum<?> en) {
      return en.name().length() + 2L;
    }
    if (v instanceof TemporalAccessor || v instanceof Character) {
      return 32;
    }
    return OPAQUE;
  }

  private long node(JsonNode j) {
    if (j.isTextual()) {
      return j.textValue().length() + 2L;
    }
    if (j.isObject()) {
      long n = 2;
      for (Iterator<Map.Entry<String, JsonNode>> it = j.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        n += f.getKey().length() + 4 + (++nodes > MAX_NODES ? PER_UNVISITED : node(f.getValue()));
      }
      return n;
    }
    if (j.isArray()) {
      long n = 2;
      for (JsonNode e : j) {
        n += 1 + (++nodes > MAX_NODES ? PER_UNVISITED : node(e));
      }
      return n;
    }
    return 16;
  }
}
