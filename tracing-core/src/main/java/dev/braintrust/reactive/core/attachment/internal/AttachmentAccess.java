package dev.braintrust.reactive.core.attachment.internal;

import dev.braintrust.reactive.core.attachment.Attachment;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** The upload stage's access to an attachment's upload state, kept off the public API. */
public abstract class AttachmentAccess {
  private static volatile @Nullable AttachmentAccess instance;

  /** Called once, by {@link Attachment}'s static initializer. */
  public static void install(AttachmentAccess access) {
    instance = access;
  }

  static AttachmentAccess get() {
    AttachmentAccess a = instance;
    if (a == null) {
      // Runs Attachment's static initializer.
      Objects.requireNonNull(Attachment.class.getName());
      try {
        Class.forName(Attachment.class.getName(), true, Attachment.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      a = Objects.requireNonNull(instance);
    }
    return a;
  }

  /**
   * Installs {@code mine} as the attachment's upload unless one is already there.
   *
   * @return the upload already there, or null if {@code mine} was installed (the caller runs it)
   */
  public abstract @Nullable CompletableFuture<Boolean> claim(
      Attachment a, CompletableFuture<Boolean> mine);

  /** Records the upload's outcome: an uploaded attachment is written as its reference. */
  public abstract void settled(Attachment a, boolean uploaded);

  /** What the attachment is written as now: its reference's fields, or its original content. */
  public abstract Object jsonValue(Attachment a);
}
