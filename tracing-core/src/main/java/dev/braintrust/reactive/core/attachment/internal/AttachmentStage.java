package dev.braintrust.reactive.core.attachment.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.attachment.AttachmentStats;
import dev.braintrust.reactive.core.attachment.AttachmentUploader;
import dev.braintrust.reactive.core.export.internal.MeterScope;
import dev.braintrust.reactive.core.internal.EventAccess;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The exporter's attachment stage: a row holding {@link Attachment}s waits here until every one of
 * them is uploaded or has failed, then goes on to the buffer. Uploads run at most {@code
 * maxConcurrent} at a time, subscribed here and carried on the uploader's threads, never the
 * caller's. Rows held here together reserve at most {@code budgetBytes} of content: a row that
 * doesn't fit is not held, and goes on at once with its original content (the spec's rule: the
 * backend copes with inline media, a reference without its upload is lost data).
 */
public final class AttachmentStage {
  private static final LibraryLog LOG = LibraryLog.get(AttachmentStage.class);
  // Rows nest values; deeper ones are not searched (and are written as they are).
  private static final int MAX_DEPTH = 128;

  private final AttachmentUploader uploader;
  private final long budgetBytes;
  private final int maxConcurrent;
  private final Consumer<BraintrustEvent> forward;
  private final AtomicLong heldBytes = new AtomicLong();
  private final AtomicInteger heldEvents = new AtomicInteger();
  private final Set<Held> held = ConcurrentHashMap.newKeySet();
  // The last held event of each row id: later updates of that row queue behind it.
  private final Map<String, Held> lastById = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Job> jobs = new ConcurrentLinkedQueue<>();
  private final Set<Job> running = ConcurrentHashMap.newKeySet();
  private final AtomicInteger active = new AtomicInteger();
  private final LongAdder uploaded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder overBudget = new LongAdder();
  private final AtomicBoolean warnedFailure = new AtomicBoolean();
  private final AtomicBoolean warnedBudget = new AtomicBoolean();
  private boolean closed;

  /** A row waiting for its uploads. */
  private static final class Held {
    final BraintrustEvent event;
    final long bytes;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicBoolean forwarded = new AtomicBoolean();

    Held(BraintrustEvent event, long bytes) {
      this.event = event;
      this.bytes = bytes;
    }
  }

  /** One attachment's upload. */
  private static final class Job {
    final Attachment attachment;
    final CompletableFuture<Boolean> result;
    final AtomicBoolean settled = new AtomicBoolean();
    volatile @Nullable Disposable subscription;

    Job(Attachment attachment, CompletableFuture<Boolean> result) {
      this.attachment = attachment;
      this.result = result;
    }
  }

  /**
   * A stage uploading through {@code uploader} and handing rows on to {@code forward}.
   *
   * @param uploader uploads one attachment
   * @param budgetBytes the most content bytes rows held here reserve together
   * @param maxConcurrent the most uploads at once
   * @param forward takes a row once its uploads settled (must not block)
   * @param scope where the {@code braintrust.attachments.*} meters go
   */
  public AttachmentStage(
      AttachmentUploader uploader,
      long budgetBytes,
      int maxConcurrent,
      Consumer<BraintrustEvent> forward,
      MeterScope scope) {
    this.uploader = uploader;
    this.budgetBytes = budgetBytes;
    this.maxConcurrent = maxConcurrent;
    this.forward = forward;
    scope.counter(
        "braintrust.attachments.uploaded",
        "Attachments whose content was uploaded",
        uploaded,
        LongAdder::sum);
    scope.counter(
        "braintrust.attachments.upload_failed",
        "Attachments whose upload failed; their rows keep the original content",
        failed,
        LongAdder::sum);
    scope.counter(
        "braintrust.attachments.over_budget",
        "Attachments not uploaded because the attachment byte budget was full",
        overBudget,
        LongAdder::sum);
    scope.gauge(
        "braintrust.attachments.held_bytes",
        "Attachment bytes held by rows waiting for their uploads",
        "bytes",
        heldBytes,
        AtomicLong::get);
    scope.gauge(
        "braintrust.attachments.held_events",
        "Rows waiting for their attachments to upload",
        null,
        heldEvents,
        AtomicInteger::get);
  }

  /**
   * Holds {@code event} until its attachments are uploaded, if it has any, the stage is open and
   * they fit the budget; never blocks.
   *
   * @return whether the stage took the event (else the caller passes it on itself)
   */
  public boolean offer(@Nullable BraintrustEvent event) {
    if (event == null) {
      return false;
    }
    List<Attachment> found = find(event);
    // Almost every row holds no attachment and no row is held: pass it on without formatting its
    // id (a UUID string) on the caller's thread. A row held meanwhile is re-checked below.
    if (found.isEmpty() && lastById.isEmpty()) {
      return false;
    }
    String id = event.id();
    if (found.isEmpty() && !lastById.containsKey(id)) {
      return false;
    }
    long bytes = 0;
    for (Attachment a : found) {
      bytes += Math.max(0, a.size());
    }
    Held h;
    Held prior;
    synchronized (this) {
      prior = lastById.get(id);
      if (closed || (found.isEmpty() && prior == null)) {
        return false;
      }
      if (!found.isEmpty() && !reserve(bytes)) {
        overBudget.add(found.size());
        if (warnedBudget.compareAndSet(false, true)) {
          LOG.warn(
              "Braintrust attachments: a row's {} bytes of attachments don't fit the budget of {}"
                  + " bytes; such rows are sent with their original content",
              bytes,
              budgetBytes);
        }
        refuse(found);
        if (prior == null) {
          return false;
        }
        // Not uploaded, but still behind the earlier update of its row.
        found = List.of();
        bytes = 0;
      }
      h = new Held(event, bytes);
      heldEvents.incrementAndGet();
      held.add(h);
      // A later update of a held row waits behind it, so updates reach the server in order.
      lastById.put(id, h);
    }
    CompletableFuture<?>[] waits = new CompletableFuture<?>[found.size() + 1];
    for (int i = 0; i < found.size(); i++) {
      waits[i] = uploadOf(found.get(i));
    }
    waits[found.size()] = prior == null ? CompletableFuture.completedFuture(null) : prior.done;
    CompletableFuture.allOf(waits).whenComplete((v, e) -> release(h));
    return true;
  }

  // Over the budget: these attachments are never uploaded (written as their original, or their
  // reference), and their content is released now rather than held by the row in the buffer.
  private static void refuse(List<Attachment> found) {
    for (Attachment a : found) {
      if (AttachmentAccess.get().claim(a, CompletableFuture.completedFuture(false)) == null) {
        AttachmentAccess.get().settled(a, false);
      }
    }
  }

  private boolean reserve(long bytes) {
    for (; ; ) {
      long now = heldBytes.get();
      if (now + bytes > budgetBytes && now > 0 || bytes > budgetBytes) {
        return false;
      }
      if (heldBytes.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  private void release(Held h) {
    if (h.forwarded.compareAndSet(false, true)) {
      try {
        forward.accept(h.event);
      } finally {
        held.remove(h);
        lastById.remove(h.event.id(), h);
        heldEvents.decrementAndGet();
        heldBytes.addAndGet(-h.bytes);
        h.done.complete(null);
      }
    }
  }

  private CompletableFuture<Boolean> uploadOf(Attachment a) {
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    CompletableFuture<Boolean> existing = AttachmentAccess.get().claim(a, mine);
    if (existing != null) {
      return existing;
    }
    jobs.offer(new Job(a, mine));
    drain();
    return mine;
  }

  private void drain() {
    for (; ; ) {
      int n = active.get();
      if (n >= maxConcurrent || jobs.isEmpty()) {
        return;
      }
      if (!active.compareAndSet(n, n + 1)) {
        continue;
      }
      Job job = jobs.poll();
      if (job == null) {
        active.decrementAndGet();
        continue;
      }
      start(job);
    }
  }

  private void start(Job job) {
    running.add(job);
    try {
      job.subscription =
          uploader
              .upload(job.attachment)
              // Subscribed off the caller's thread: a first upload also logs in and connects.
              .subscribeOn(Schedulers.parallel())
              .subscribe(v -> {}, e -> finish(job, e), () -> finish(job, null));
    } catch (RuntimeException e) {
      finish(job, e);
    }
  }

  private void finish(Job job, @Nullable Throwable error) {
    if (!job.settled.compareAndSet(false, true)) {
      return;
    }
    running.remove(job);
    boolean ok = error == null;
    AttachmentAccess.get().settled(job.attachment, ok);
    if (ok) {
      uploaded.increment();
    } else {
      failed.increment();
      if (warnedFailure.compareAndSet(false, true)) {
        LOG.warn(
            "Braintrust attachments: uploading {} failed ({}); its row keeps the original content"
                + " (later failures are counted in braintrust.attachments.upload_failed)",
            job.attachment,
            String.valueOf(error));
      } else {
        LOG.debug("Braintrust attachments: uploading {} failed: {}", job.attachment, error);
      }
    }
    job.result.complete(ok);
    active.decrementAndGet();
    drain();
  }

  /**
   * Completes once every row held now has gone on.
   *
   * @return completes once every row held now has gone on
   */
  public CompletableFuture<Void> flush() {
    return CompletableFuture.allOf(
        held.stream().map(h -> h.done).toArray(CompletableFuture[]::new));
  }

  /**
   * Stops taking rows and completes once those held have gone on, or at {@code timeout}: then the
   * uploads still running are cancelled (counted failed) and their rows go on at once with their
   * original content. Idempotent in effect.
   *
   * @param timeout the longest wait
   * @param timer where the deadline is timed
   * @return completes once no row is held
   */
  public CompletableFuture<Void> close(Duration timeout, Scheduler timer) {
    synchronized (this) {
      closed = true;
    }
    CompletableFuture<Void> all = flush();
    if (all.isDone()) {
      return all;
    }
    Disposable deadline =
        timer.schedule(this::abandon, Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    return all.whenComplete((v, e) -> deadline.dispose());
  }

  private void abandon() {
    for (Job j; (j = jobs.poll()) != null; ) {
      finishCancelled(j);
    }
    for (Job j : new ArrayList<>(running)) {
      Disposable d = j.subscription;
      if (d != null) {
        d.dispose();
      }
      finishCancelled(j);
    }
    for (Held h : new ArrayList<>(held)) {
      release(h);
    }
  }

  private void finishCancelled(Job j) {
    if (j.settled.compareAndSet(false, true)) {
      running.remove(j);
      AttachmentAccess.get().settled(j.attachment, false);
      failed.increment();
      j.result.complete(false);
    }
  }

  /**
   * A snapshot of the counters.
   *
   * @return a snapshot of the counters
   */
  public AttachmentStats stats() {
    return new AttachmentStats(
        uploaded.sum(), failed.sum(), overBudget.sum(), heldEvents.get(), heldBytes.get());
  }

  /**
   * Rows held now.
   *
   * @return rows held now
   */
  public int heldEvents() {
    return heldEvents.get();
  }

  /** The attachments of a row, each once, in its user values. */
  static List<Attachment> find(BraintrustEvent e) {
    if (!EventAccess.mayHoldAttachments(e)) {
      // A deferred row whose maker knows it holds none stays unbuilt on the caller's thread.
      return List.of();
    }
    // Made on the first attachment found: most rows hold none, and this runs on the caller's
    // thread for every row.
    @Nullable Map<Attachment, Boolean> seen = null;
    seen = collect(e.input(), seen, 0);
    seen = collect(e.output(), seen, 0);
    seen = collect(e.expected(), seen, 0);
    seen = collect(e.metadata(), seen, 0);
    return seen == null ? List.of() : new ArrayList<>(seen.keySet());
  }

  /** {@code out} (made if null) with the attachments in {@code v} added. */
  private static @Nullable Map<Attachment, Boolean> collect(
      @Nullable Object v, @Nullable Map<Attachment, Boolean> out, int depth) {
    if (v == null || depth > MAX_DEPTH || v instanceof CharSequence || v instanceof Number) {
      return out;
    }
    if (v instanceof Attachment a) {
      if (out == null) {
        out = new IdentityHashMap<>();
      }
      out.put(a, Boolean.TRUE);
    } else if (v instanceof Map<?, ?> m) {
      for (Object x : m.values()) {
        out = collect(x, out, depth + 1);
      }
    } else if (v instanceof Collection<?> c) {
      for (Object x : c) {
        out = collect(x, out, depth + 1);
      }
    } else if (v instanceof Object[] arr) {
      for (Object x : arr) {
        out = collect(x, out, depth + 1);
      }
    } else if (v instanceof POJONode p) {
      out = collect(p.getPojo(), out, depth + 1);
    } else if (v instanceof JsonNode j && j.isContainerNode()) {
      for (JsonNode x : j) {
        out = collect(x, out, depth + 1);
      }
    }
    return out;
  }
}
