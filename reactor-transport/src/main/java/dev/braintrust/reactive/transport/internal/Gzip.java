package dev.braintrust.reactive.transport.internal;

import dev.braintrust.reactive.core.export.EncodedBatch;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** gzip of request bodies at a chosen level. */
public final class Gzip {
  private static final int BUFFER = 64 * 1024;

  private Gzip() {}

  public static byte[] compress(EncodedBatch batch, int level) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.min(batch.bodyBytes() / 4 + 64, 1 << 24));
    try (GZIPOutputStream gz = new LeveledGzip(out, level);
        // The body arrives a row (and a comma) at a time; each write straight to the deflater is
        // a JNI call with its own setup, which cost about a sixth of the compression time.
        OutputStream buffered = new BufferedOutputStream(gz, BUFFER)) {
      batch.writeBody(buffered);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static final class LeveledGzip extends GZIPOutputStream {
    LeveledGzip(ByteArrayOutputStream out, int level) throws IOException {
      super(out, BUFFER);
      def.setLevel(level == 0 ? Deflater.DEFAULT_COMPRESSION : level);
    }
  }
}
