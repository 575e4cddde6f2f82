package dev.braintrust.reactive.core.export;

import java.nio.file.Path;
import java.util.Objects;

/** Configures {@link SpoolOptions}; obtained from {@link SpoolOptions#builder(Path)}. */
public final class SpoolOptionsBuilder {
  /** The smallest segment size accepted. */
  static final long MIN_SEGMENT_BYTES = 4 * 1024;

  private final Path directory;
  private long maxDiskBytes = SpoolOptions.DEFAULT_MAX_DISK_BYTES;
  private long segmentBytes;
  private FsyncPolicy fsync = SpoolOptions.DEFAULT_FSYNC;

  SpoolOptionsBuilder(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  /**
   * Most bytes the spool's files may take (default 1 GiB). When they would exceed it, the
   * exporter's {@link OverflowPolicy} applies, as it does to a full memory buffer.
   */
  public SpoolOptionsBuilder maxDiskBytes(long bytes) {
    if (bytes < 2 * MIN_SEGMENT_BYTES) {
      throw new IllegalArgumentException(
          "maxDiskBytes must be at least " + 2 * MIN_SEGMENT_BYTES + ", got " + bytes);
    }
    this.maxDiskBytes = bytes;
    return this;
  }

  /**
   * The size at which a segment file is closed and the next one started (default a sixteenth of
   * {@code maxDiskBytes}, between 1 and 64 MiB). A segment is deleted once all its events are
   * acknowledged, and dropping the oldest events on a full disk drops a segment at a time.
   */
  public SpoolOptionsBuilder segmentBytes(long bytes) {
    if (bytes < MIN_SEGMENT_BYTES) {
      throw new IllegalArgumentException(
          "segmentBytes must be at least " + MIN_SEGMENT_BYTES + ", got " + bytes);
    }
    this.segmentBytes = bytes;
    return this;
  }

  /** When writes are forced to the device (default {@link SpoolOptions#DEFAULT_FSYNC}). */
  public SpoolOptionsBuilder fsync(FsyncPolicy policy) {
    this.fsync = Objects.requireNonNull(policy, "fsync");
    return this;
  }

  /** The options; refuses a segment size above half of {@code maxDiskBytes}. */
  public SpoolOptions build() {
    long segment =
        segmentBytes != 0
            ? segmentBytes
            : Math.max(
                Math.min(maxDiskBytes / 16, 64L * 1024 * 1024),
                Math.min(1024L * 1024, maxDiskBytes / 2));
    if (segment > maxDiskBytes / 2) {
      throw new IllegalArgumentException(
          "segmentBytes must be at most half of maxDiskBytes ("
              + maxDiskBytes / 2
              + "), got "
              + segment);
    }
    return new SpoolOptions(directory, maxDiskBytes, segment, fsync);
  }
}
