package dev.braintrust.reactive.core.internal;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.BraintrustEventBuilder;
import dev.braintrust.reactive.core.Destination;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
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
      // A deferred row may be asked for before any event was built: initialise the class that
      // installs the implementation.
      try {
        Class.forName(BraintrustEvent.class.getName(), true, EventAccess.class.getClassLoader());
      } catch (ClassNotFoundException impossible) {
        throw new IllegalStateException(impossible);
      }
      a = installed;
    }
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

  /**
   * A row for {@code destination} with {@code id} whose content {@code body} builds when it is
   * first read: normally by the encoder, on the exporter's thread, so the caller pays only for this
   * shell. {@code body} must read only immutable state. If it throws, the row holds {@code
   * fallback}'s content for the exception instead, with the reason under {@code
   * metadata.serialization_errors}, and is counted as a serialization error.
   *
   * @param mayHoldAttachments whether the content may hold attachments: the attachment stage builds
   *     such rows on the caller's thread to find them, and skips the others unbuilt
   */
  public static BraintrustEvent deferred(
      Destination destination,
      String id,
      boolean mayHoldAttachments,
      Supplier<BraintrustEvent> body,
      Function<Throwable, BraintrustEvent> fallback) {
    return get().newDeferred(destination, id, mayHoldAttachments, body, fallback);
  }

  /** The event with its content built: a deferred row's content, any other event itself. */
  public static BraintrustEvent resolve(BraintrustEvent event) {
    return get().resolved(event);
  }

  /** Why a deferred row's content could not be built (it then holds the fallback), else null. */
  public static @Nullable String failureOf(BraintrustEvent event) {
    return get().deferredFailure(event);
  }

  /** False only for a deferred row that its maker says holds no attachments. */
  public static boolean mayHoldAttachments(BraintrustEvent event) {
    return get().mayHold(event);
  }

  /**
   * Hands {@code metadata} (read-only from now on, its keys checked non-empty by the caller) to
   * {@code builder} as the row's whole metadata, without copying it.
   */
  public static BraintrustEventBuilder withMetadata(
      BraintrustEventBuilder builder, Map<String, @Nullable Object> metadata) {
    return get().metadataMap(builder, metadata);
  }

  /** See {@link #withMetadata}. */
  public abstract BraintrustEventBuilder metadataMap(
      BraintrustEventBuilder builder, Map<String, @Nullable Object> metadata);

  /** See {@link #deferred(Destination, String, boolean, Supplier, Function)}. */
  public abstract BraintrustEvent newDeferred(
      Destination destination,
      String id,
      boolean mayHoldAttachments,
      Supplier<BraintrustEvent> body,
      Function<Throwable, BraintrustEvent> fallback);

  /** See {@link #resolve}. */
  public abstract BraintrustEvent resolved(BraintrustEvent event);

  /** See {@link #failureOf}. */
  public abstract @Nullable String deferredFailure(BraintrustEvent event);

  /** See {@link #mayHoldAttachments(BraintrustEvent)}. */
  public abstract boolean mayHold(BraintrustEvent event);
}
