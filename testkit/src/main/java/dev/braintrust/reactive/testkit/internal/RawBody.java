package dev.braintrust.reactive.testkit.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A request body as a {@link Router.RawHandler} gets it: its size and SHA-256 always, its bytes
 * only when the handler asked for them whole. A body read as it arrives is never held whole, so a
 * server that keeps no uploaded content holds none of it in flight either.
 */
public final class RawBody {
  private static final byte[] EMPTY = new byte[0];

  private final long size;
  private final byte @Nullable [] bytes;
  // Computed on first use for a whole body: most bodies (JSON API calls) never need it.
  private volatile @Nullable String sha256;

  private RawBody(long size, byte @Nullable [] bytes, @Nullable String sha256) {
    this.size = size;
    this.bytes = bytes;
    this.sha256 = sha256;
  }

  /** A body received whole. */
  static RawBody whole(byte[] bytes) {
    return new RawBody(bytes.length, bytes, null);
  }

  /**
   * Counts and digests {@code chunks} as they arrive, keeping none of them (each is a view of a
   * Netty buffer, valid until its {@code onNext} returns).
   */
  static Mono<RawBody> digest(Flux<ByteBuffer> chunks) {
    return Mono.defer(
        () -> {
          MessageDigest md = sha256Digest();
          long[] size = {0};
          return chunks
              .doOnNext(
                  b -> {
                    size[0] += b.remaining();
                    md.update(b);
                  })
              .then(Mono.fromCallable(() -> new RawBody(size[0], null, hex(md.digest()))));
        });
  }

  /** The body's length in bytes. */
  public long size() {
    return size;
  }

  /** The body, or null when it was only digested. */
  public byte @Nullable [] bytes() {
    return bytes;
  }

  /** The body's SHA-256 in lower-case hex. */
  public String sha256() {
    String s = sha256;
    if (s == null) {
      byte[] b = bytes;
      s = hex(sha256Digest().digest(b == null ? EMPTY : b));
      sha256 = s;
    }
    return s;
  }

  /** The bytes, or an empty array when the body was only digested. */
  byte[] bytesOrEmpty() {
    byte[] b = bytes;
    return b == null ? EMPTY : b;
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }
}
