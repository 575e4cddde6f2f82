package dev.braintrust.reactive.core.export.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.core.export.EncodedBatch;
import dev.braintrust.reactive.core.export.InsertResult;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What every transport does with the server's refusals of an insert, whatever its HTTP client:
 * bodies gzip-compressed until the server answers 415, then plain from then on; a request halved on
 * 413; on 400, halved until the refused rows are isolated, so one bad row doesn't sink the rows
 * sent with it (its index counted from the batch given). Thread-safe: the gzip switch is the only
 * state, shared by all inserts of one transport.
 */
public final class InsertSplitter {
  private static final LibraryLog LOG = LibraryLog.get(InsertSplitter.class);
  private static final ObjectMapper READER = new ObjectMapper();

  /** One transport's way to send a part once (with its own retries, if it has any). */
  @FunctionalInterface
  public interface Attempt {
    /**
     * Sends {@code part}, gzip-compressed when {@code gzip}, counting in {@code tally} every
     * request made and the last body's size on the wire.
     *
     * @param part the rows
     * @param gzip whether to compress the body
     * @param tally requests made and wire bytes, updated as they happen
     * @return what the server acknowledged, or the failure
     */
    Mono<InsertResult> send(EncodedBatch part, boolean gzip, Tally tally);
  }

  /** How a transport reports the server's refusal. */
  public interface Refusals {
    /**
     * The HTTP status of a refusal, or -1 when {@code e} is something else (no answer, say).
     *
     * @param e the failure
     * @return the status, or -1
     */
    int status(Throwable e);

    /**
     * What the server said of the refusal.
     *
     * @param e a refusal
     * @return its text
     */
    String reason(Throwable e);
  }

  /** Requests made and the last body's bytes on the wire, for one part. */
  public static final class Tally {
    /** Requests made for this part. */
    public final AtomicInteger attempts = new AtomicInteger();

    /** The last request body's size on the wire. */
    public final AtomicLong wire = new AtomicLong();
  }

  private final AtomicBoolean gzip;
  private final Refusals refusals;

  /**
   * A splitter starting with {@code gzip}.
   *
   * @param gzip whether bodies are compressed until the server refuses gzip
   * @param refusals reads the transport's refusals
   */
  public InsertSplitter(boolean gzip, Refusals refusals) {
    this.gzip = new AtomicBoolean(gzip);
    this.refusals = refusals;
  }

  /**
   * Sends {@code batch} through {@code attempt}, splitting as the server's refusals say.
   *
   * @param batch the rows, already cut to the request size
   * @param attempt sends one part
   * @return the sum over the requests made, refused rows listed
   */
  public Mono<InsertResult> send(EncodedBatch batch, Attempt attempt) {
    return send(batch, attempt, 0, ceilLog2(batch.size()), batch.offset());
  }

  /**
   * Whether a 2xx body is an insert response (spec: InsertEventsResponse, a {@code row_ids} array):
   * a proxy's HTML page or an empty 200 means the rows went nowhere.
   *
   * @param body the answer's body
   * @return whether it acknowledges rows
   */
  public static boolean isInsertResponse(byte[] body) {
    if (body.length == 0) {
      return false;
    }
    try {
      JsonNode n = READER.readTree(body);
      return n != null && n.path("row_ids").isArray();
    } catch (IOException notJson) {
      return false;
    }
  }

  /** Halving reaches single rows after this many levels. */
  static int ceilLog2(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  private Mono<InsertResult> send(
      EncodedBatch part, Attempt attempt, int depth, int maxDepth, int base) {
    boolean compress = gzip.get();
    Tally tally = new Tally();
    return Mono.defer(() -> attempt.send(part, compress, tally))
        .onErrorResume(
            e -> refusals.status(e) >= 0,
            e -> {
              int status = refusals.status(e);
              int attempts = tally.attempts.get();
              InsertResult spent = InsertResult.of(0, 0, 0, attempts, Math.max(0, attempts - 1));
              if (status == 415 && compress) {
                if (gzip.compareAndSet(true, false)) {
                  LOG.warn(
                      "the server does not take gzip request bodies (415); sending them uncompressed from now on");
                }
                return send(part, attempt, depth, maxDepth, base).map(spent::plus);
              }
              boolean splittable = part.size() > 1 && depth < maxDepth;
              if ((status == 413 || status == 400) && splittable) {
                return Flux.fromIterable(part.halves())
                    .concatMap(half -> send(half, attempt, depth + 1, maxDepth, base))
                    .reduce(spent, InsertResult::plus);
              }
              if (status == 400 && part.size() == 1 && depth > 0) {
                return Mono.just(
                    InsertResult.rejected(
                        new InsertResult.Rejected(part.offset() - base, refusals.reason(e)),
                        attempts,
                        part.bodyBytes(),
                        tally.wire.get()));
              }
              // A one-row batch refused as a whole is a failed batch, not a row isolated from one.
              return Mono.error(e);
            });
  }
}
