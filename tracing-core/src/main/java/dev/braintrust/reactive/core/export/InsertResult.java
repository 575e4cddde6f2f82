package dev.braintrust.reactive.core.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a transport did to deliver one batch: rows acknowledged, bytes before and after compression,
 * requests and retries, and the rows the server refused one by one.
 *
 * @param rows rows the server acknowledged
 * @param uncompressedBytes request body bytes before compression
 * @param sentBytes request body bytes on the wire
 * @param requests HTTP requests made, including retries and splits
 * @param retries retries made
 * @param rejected rows the server refused while accepting the rest of their batch
 */
public record InsertResult(
    int rows,
    long uncompressedBytes,
    long sentBytes,
    int requests,
    int retries,
    List<Rejected> rejected) {

  /**
   * Checks the counts and copies {@code rejected}.
   *
   * @param rejected rows the server refused while accepting the rest of their batch
   * @param requests HTTP requests made, including retries and splits
   * @param retries retries made
   * @param rows rows the server acknowledged
   * @param sentBytes request body bytes on the wire
   * @param uncompressedBytes request body bytes before compression
   */
  public InsertResult {
    if (rows < 0 || uncompressedBytes < 0 || sentBytes < 0 || requests < 0 || retries < 0) {
      throw new IllegalArgumentException("InsertResult counts must not be negative");
    }
    rejected = List.copyOf(rejected);
  }

  /**
   * A result with no rejected rows; all counts must be non-negative.
   *
   * @param rows rows delivered
   * @param uncompressedBytes request body bytes before compression
   * @param sentBytes request body bytes sent
   * @param requests requests made
   * @param retries retries made
   * @return the result
   */
  public static InsertResult of(
      int rows, long uncompressedBytes, long sentBytes, int requests, int retries) {
    return new InsertResult(rows, uncompressedBytes, sentBytes, requests, retries, List.of());
  }

  /**
   * A result for a request that made {@code requests} attempts and delivered nothing.
   *
   * @param row the refused row
   * @param requests requests made
   * @param uncompressedBytes request body bytes before compression
   * @param sentBytes request body bytes sent
   * @return the result
   */
  public static InsertResult rejected(
      Rejected row, int requests, long uncompressedBytes, long sentBytes) {
    return new InsertResult(
        0, uncompressedBytes, sentBytes, requests, Math.max(0, requests - 1), List.of(row));
  }

  /**
   * Adds two results, for a batch sent in parts.
   *
   * @param o the other result
   * @return the sum of both
   */
  public InsertResult plus(InsertResult o) {
    List<Rejected> r = rejected;
    if (!o.rejected.isEmpty()) {
      r = new ArrayList<>(rejected);
      r.addAll(o.rejected);
    }
    return new InsertResult(
        rows + o.rows,
        uncompressedBytes + o.uncompressedBytes,
        sentBytes + o.sentBytes,
        requests + o.requests,
        retries + o.retries,
        r);
  }

  /**
   * A row the server refused (a 400 isolated to this row) while the rest of its batch went through.
   *
   * @param index the row's index in the {@link EncodedBatch} handed to {@link
   *     Transport#insertOnce}, that is {@link EncodedBatch#offset()} plus its index in the part
   *     that was refused
   * @param reason the server's reason, safe to log
   */
  public record Rejected(int index, String reason) {
    /**
     * Checks the index and reason.
     *
     * @param index the row's index in the {@link EncodedBatch} handed to {@link
     *     Transport#insertOnce}, that is {@link EncodedBatch#offset()} plus its index in the part
     *     that was refused
     * @param reason the server's reason, safe to log
     */
    public Rejected {
      if (index < 0) {
        throw new IllegalArgumentException("index must not be negative, got " + index);
      }
      Objects.requireNonNull(reason, "reason");
    }
  }
}
