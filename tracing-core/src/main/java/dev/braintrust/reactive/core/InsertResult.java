package dev.braintrust.reactive.core;

/** What a transport did to deliver one batch: rows, bytes before and after compression, retries. */
public final class InsertResult {
  private final int rows;
  private final long uncompressedBytes;
  private final long sentBytes;
  private final int requests;
  private final int retries;

  private InsertResult(int rows, long uncompressedBytes, long sentBytes, int requests, int retries) {
    this.rows = rows;
    this.uncompressedBytes = uncompressedBytes;
    this.sentBytes = sentBytes;
    this.requests = requests;
    this.retries = retries;
  }

  /** A result; all counts must be non-negative. */
  public static InsertResult of(
      int rows, long uncompressedBytes, long sentBytes, int requests, int retries) {
    return new InsertResult(rows, uncompressedBytes, sentBytes, requests, retries);
  }

  /** Rows the server acknowledged. */
  public int rows() {
    return rows;
  }

  /** Request body bytes before compression. */
  public long uncompressedBytes() {
    return uncompressedBytes;
  }

  /** Request body bytes on the wire. */
  public long sentBytes() {
    return sentBytes;
  }

  /** HTTP requests made, including retries and splits. */
  public int requests() {
    return requests;
  }

  /** Retries made. */
  public int retries() {
    return retries;
  }

  /** Adds two results, for a batch sent in parts. */
  public InsertResult plus(InsertResult o) {
    return new InsertResult(
        rows + o.rows,
        uncompressedBytes + o.uncompressedBytes,
        sentBytes + o.sentBytes,
        requests + o.requests,
        retries + o.retries);
  }

  @Override
  public String toString() {
    return "InsertResult{rows=" + rows + ", bytes=" + uncompressedBytes + "/" + sentBytes
        + ", requests=" + requests + ", retries=" + retries + "}";
  }
}
