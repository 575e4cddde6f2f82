package dev.braintrust.reactive.core;

import dev.braintrust.reactive.core.internal.Ids;
import dev.braintrust.reactive.core.internal.SpanBits;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A span's ids as random bits, formatted to strings only when someone asks: normally the encoder,
 * on the drain thread, so the caller's thread never pays for hex formatting.
 */
final class SpanIds implements SpanBits {
  private final long rowHi;
  private final long rowLo;
  private final long span;
  private final long traceHi;
  private final long traceLo;
  private final long parentSpan;
  private final @Nullable String foreignTrace;
  private final @Nullable String foreignParent;

  // Cached renderings. Racy but benign: every thread computes the same immutable String.
  private @Nullable String rowText;
  private @Nullable String spanText;
  private @Nullable String traceText;
  private @Nullable List<String> parentsList;

  private SpanIds(
      long rowHi,
      long rowLo,
      long span,
      long traceHi,
      long traceLo,
      long parentSpan,
      @Nullable String foreignTrace,
      @Nullable String foreignParent) {
    this.rowHi = rowHi;
    this.rowLo = rowLo;
    this.span = span;
    this.traceHi = traceHi;
    this.traceLo = traceLo;
    this.parentSpan = parentSpan;
    this.foreignTrace = foreignTrace;
    this.foreignParent = foreignParent;
  }

  /** Ids for a new span under {@code parent} (a new trace when null). */
  static SpanIds create(@Nullable Span parent) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long rowHi = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long rowLo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    long span = nonZero(r.nextLong());
    if (parent == null) {
      return new SpanIds(rowHi, rowLo, span, r.nextLong(), nonZero(r.nextLong()), 0, null, null);
    }
    if (parent instanceof DefaultSpan) {
      SpanIds p = ((DefaultSpan) parent).ids();
      if (p.foreignTrace == null) {
        return new SpanIds(rowHi, rowLo, span, p.traceHi, p.traceLo, p.span, null, null);
      }
      return new SpanIds(rowHi, rowLo, span, 0, 0, p.span, p.foreignTrace, null);
    }
    return new SpanIds(rowHi, rowLo, span, 0, 0, 0, parent.rootSpanId(), parent.spanId());
  }

  @Override
  public long rowHi() {
    return rowHi;
  }

  @Override
  public long rowLo() {
    return rowLo;
  }

  @Override
  public long span() {
    return span;
  }

  @Override
  public long traceHi() {
    return traceHi;
  }

  @Override
  public long traceLo() {
    return traceLo;
  }

  @Override
  public long parentSpan() {
    return parentSpan;
  }

  @Override
  public @Nullable String foreignTrace() {
    return foreignTrace;
  }

  @Override
  public @Nullable String foreignParent() {
    return foreignParent;
  }

  private static long nonZero(long v) {
    return v == 0 ? 1 : v;
  }

  String rowId() {
    String s = rowText;
    if (s == null) {
      s = Ids.uuid(rowHi, rowLo);
      rowText = s;
    }
    return s;
  }

  String spanId() {
    String s = spanText;
    if (s == null) {
      s = Ids.hex16(span);
      spanText = s;
    }
    return s;
  }

  String traceId() {
    if (foreignTrace != null) {
      return foreignTrace;
    }
    String s = traceText;
    if (s == null) {
      s = Ids.hex32(traceHi, traceLo);
      traceText = s;
    }
    return s;
  }

  List<String> parents() {
    List<String> p = parentsList;
    if (p == null) {
      if (foreignParent != null) {
        p = List.of(foreignParent);
      } else if (parentSpan != 0) {
        p = List.of(Ids.hex16(parentSpan));
      } else {
        p = List.of();
      }
      parentsList = p;
    }
    return p;
  }
}
