package dev.braintrust.reactive.core.attachment;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import dev.braintrust.reactive.core.attachment.internal.AttachmentAccess;
import dev.braintrust.reactive.core.attachment.internal.AttachmentJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A file logged with a span (an image, a PDF, audio...): put it anywhere in a span's or event's
 * {@code input}, {@code output}, {@code expected} or {@code metadata}. The exporter uploads its
 * bytes to Braintrust's object storage, off the application thread, and sends the row only then,
 * with the attachment written as its {@link #reference()}.
 *
 * <pre>{@code
 * Attachment chart = Attachment.of(pngBytes, "image/png", "chart.png");
 * span.log(Log.builder().input(Map.of("question", "What does this show?", "chart", chart)).build());
 * }</pre>
 *
 * <p>If the upload fails (or the exporter's attachment byte budget is full) the row is still sent:
 * an attachment made by {@link AttachmentConverter} from inline base64 is written as that original
 * inline content, one made here as its reference (the failure is counted). Without an uploader (a
 * transport that cannot upload) the same applies. Don't change the bytes after logging.
 */
@JsonSerialize(using = AttachmentJson.class)
public final class Attachment {
  static {
    AttachmentAccess.install(
        new AttachmentAccess() {
          @Override
          public @Nullable CompletableFuture<Boolean> claim(
              Attachment a, CompletableFuture<Boolean> mine) {
            return a.upload.compareAndExchange(null, mine);
          }

          @Override
          public void settled(Attachment a, boolean uploaded) {
            a.uploaded = uploaded;
            // The content is not needed any more: the row holding this attachment may wait in the
            // buffer for a while, and must not hold megabytes it will never send.
            a.bytes = null;
            a.base64 = null;
            a.file = null;
            if (uploaded) {
              a.original = null;
            }
          }

          @Override
          public Object jsonValue(Attachment a) {
            Object original = a.original;
            return a.uploaded || original == null ? a.reference.toMap() : original;
          }
        });
  }

  private static final int CHUNK = 64 * 1024;

  private final AttachmentReference reference;
  // Dropped once the upload settled (see settled above).
  private volatile byte @Nullable [] bytes;
  private volatile @Nullable Path file;
  private volatile @Nullable String base64;
  private final long size;
  // Written instead of the reference when the content was not uploaded.
  private volatile @Nullable Object original;
  private final AtomicReference<@Nullable CompletableFuture<Boolean>> upload =
      new AtomicReference<>();
  private volatile boolean uploaded;

  private Attachment(
      String contentType,
      String filename,
      byte @Nullable [] bytes,
      @Nullable Path file,
      @Nullable String base64,
      long size,
      @Nullable Object original) {
    this.reference =
        new AttachmentReference(
            AttachmentReference.BRAINTRUST,
            UUID.randomUUID().toString(),
            null,
            filename,
            contentType);
    this.bytes = bytes;
    this.file = file;
    this.base64 = base64;
    this.size = size;
    this.original = original;
  }

  /**
   * An attachment of these bytes, named {@code attachment.<ext>} after the content type.
   *
   * @param data the content (not copied: don't change it after logging)
   * @param contentType its MIME type, e.g. {@code image/png}
   * @return the attachment
   */
  public static Attachment of(byte[] data, String contentType) {
    return of(data, contentType, AttachmentConverter.filenameFor(contentType));
  }

  /**
   * An attachment of these bytes.
   *
   * @param data the content (not copied: don't change it after logging)
   * @param contentType its MIME type, e.g. {@code application/pdf}
   * @param filename the name shown in the UI
   * @return the attachment
   */
  public static Attachment of(byte[] data, String contentType, String filename) {
    Objects.requireNonNull(data, "data");
    return new Attachment(
        check("contentType", contentType),
        check("filename", filename),
        data,
        null,
        null,
        data.length,
        null);
  }

  /**
   * An attachment of a file, read (in chunks, never whole) when it is uploaded.
   *
   * @param file a readable regular file
   * @param contentType its MIME type
   * @return the attachment, named after the file
   * @throws IllegalArgumentException if the file is not a readable regular file
   */
  public static Attachment ofFile(Path file, String contentType) {
    Objects.requireNonNull(file, "file");
    Path name = file.getFileName();
    return ofFile(file, contentType, name == null ? "attachment" : name.toString());
  }

  /**
   * An attachment of a file, read (in chunks, never whole) when it is uploaded.
   *
   * @param file a readable regular file
   * @param contentType its MIME type
   * @param filename the name shown in the UI
   * @return the attachment
   * @throws IllegalArgumentException if the file is not a readable regular file
   */
  public static Attachment ofFile(Path file, String contentType, String filename) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(
          "attachment file " + file + " is not a readable regular file");
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("attachment file " + file + " cannot be read: " + e, e);
    }
    return new Attachment(
        check("contentType", contentType),
        check("filename", filename),
        null,
        file,
        null,
        size,
        null);
  }

  /**
   * An attachment of base64 content (as LLM clients hold media), decoded only when uploaded; if the
   * upload fails the row carries it inline as a {@code data:} URI instead, as it would have.
   *
   * @param base64 the content in base64
   * @param contentType its MIME type
   * @return the attachment, named {@code attachment.<ext>} after the content type
   */
  public static Attachment ofBase64(String base64, String contentType) {
    Objects.requireNonNull(base64, "base64");
    String ct = check("contentType", contentType);
    return inline(base64, ct, AttachmentConverter.filenameFor(ct), new DataUri(ct, base64));
  }

  /** A data URI written only if needed, so a successful upload never builds the string. */
  private record DataUri(String contentType, String base64) implements JsonSerializable {
    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeString("data:" + contentType + ";base64," + base64);
    }

    @Override
    public void serializeWithType(
        JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
        throws IOException {
      serialize(gen, serializers);
    }
  }

  /** Inline base64 found by the converter: decoded only when uploaded, else written as found. */
  static Attachment inline(String base64, String contentType, String filename, Object original) {
    return new Attachment(contentType, filename, null, null, base64, decodedSize(base64), original);
  }

  // Exact, so the upload can send a Content-Length (object stores refuse chunked PUTs).
  private static long decodedSize(String base64) {
    long n = 0;
    for (int i = 0; i < base64.length(); i++) {
      char c = base64.charAt(i);
      if (c != '=' && c != '\n' && c != '\r') {
        n++;
      }
    }
    return n * 3 / 4;
  }

  private static String check(String what, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("attachment " + what + " must not be blank");
    }
    return value;
  }

  /**
   * What this attachment is written as once uploaded.
   *
   * @return its reference (its key is random, fixed at creation)
   */
  public AttachmentReference reference() {
    return reference;
  }

  /**
   * The content's size in bytes (for inline base64, an estimate from its length).
   *
   * @return the size in bytes
   */
  public long size() {
    return size;
  }

  /**
   * Whether the content was uploaded: the row then carries the reference.
   *
   * @return whether the content was uploaded
   */
  public boolean isUploaded() {
    return uploaded;
  }

  /**
   * The content, in chunks; a file is read on a bounded-elastic thread, never on the caller's. Each
   * subscription reads it again.
   *
   * @return the content
   */
  public Flux<ByteBuffer> content() {
    byte[] b = bytes;
    String s = base64;
    Path p = file;
    if (b != null) {
      return Flux.defer(() -> Flux.just(ByteBuffer.wrap(b).asReadOnlyBuffer()));
    }
    if (s != null) {
      return Mono.fromCallable(() -> ByteBuffer.wrap(Base64.getMimeDecoder().decode(s)))
          .subscribeOn(Schedulers.boundedElastic())
          .flux();
    }
    if (p == null) {
      return Flux.error(
          new IllegalStateException(
              "the content of " + this + " was released once its upload settled"));
    }
    return Flux.using(
            () -> FileChannel.open(p, StandardOpenOption.READ),
            ch ->
                Flux.<ByteBuffer>generate(
                    sink -> {
                      try {
                        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
                        if (ch.read(buf) < 0) {
                          sink.complete();
                        } else {
                          sink.next(buf.flip());
                        }
                      } catch (IOException e) {
                        sink.error(e);
                      }
                    }),
            ch -> {
              try {
                ch.close();
              } catch (IOException ignored) {
                // Read-only: nothing to lose.
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public String toString() {
    return "Attachment{"
        + reference.filename()
        + ", "
        + reference.contentType()
        + ", "
        + size
        + " bytes}";
  }
}
