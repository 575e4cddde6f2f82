package dev.braintrust.reactive.core.internal;

import dev.braintrust.reactive.core.BraintrustEvent;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the encoder reads from an event beyond its public accessors: a span's creation time as an
 * {@link Instant} and its ids as bits, so rows are written from them without formatting strings
 * first. {@link BraintrustEvent} installs the one implementation when it is initialised, which has
 * happened before any event reaches the encoder.
 */
public abstract class EventAccess {
  private static volatile @Nullable EventAccess installed;

  /** For {@link BraintrustEvent}'s initialiser only. */
  protected EventAccess() {}

  /** Called once, by {@link BraintrustEvent}. */
  public static void install(EventAccess access) {
    installed = access;
  }

  static EventAccess get() {
    EventAccess a = installed;
    if (a == null) {
      throw new IllegalStateException("BraintrustEvent is not initialised");
    }
    return a;
  }

  /**
   * Whether the event is a span's own row: its id was drawn at random for it, so no earlier row can
   * have it.
   */
  public static boolean isSpanRow(BraintrustEvent event) {
    return get().spanBits(event) != null;
  }

  /** The creation time when the event keeps it as an instant (spans do), else null. */
  public abstract @Nullable Instant createdAt(BraintrustEvent event);

  /** The ids as bits when the event is a span's row, else null (its ids are strings). */
  public abstract @Nullable SpanBits spanBits(BraintrustEvent event);
}
