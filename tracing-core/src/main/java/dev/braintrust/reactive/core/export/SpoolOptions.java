package dev.braintrust.reactive.core.export;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how an exporter keeps accepted events on disk until the server acknowledges them; see
 * {@link BraintrustExporterBuilder#spool(SpoolOptions)}. Obtained from {@link #builder(Path)} or,
 * with defaults, {@link #of(Path)}.
 */
public final class SpoolOptions {
  /** Default most bytes the spool's files may take. */
  public static final long DEFAULT_MAX_DISK_BYTES = 1024L * 1024 * 1024;

  /** Default fsync policy: once a second. */
  public static final FsyncPolicy DEFAULT_FSYNC = FsyncPolicy.interval(Duration.ofSeconds(1));

  private final Path directory;
  private final long maxDiskBytes;
  private final long segmentBytes;
  private final FsyncPolicy fsync;

  SpoolOptions(Path directory, long maxDiskBytes, long segmentBytes, FsyncPolicy fsync) {
    this.directory = directory;
    this.maxDiskBytes = maxDiskBytes;
    this.segmentBytes = segmentBytes;
    this.fsync = fsync;
  }

  /** A builder for a spool in {@code directory} (created if missing). */
  public static SpoolOptionsBuilder builder(Path directory) {
    return new SpoolOptionsBuilder(directory);
  }

  /** A spool in {@code directory} with the default limits and fsync policy. */
  public static SpoolOptions of(Path directory) {
    return builder(directory).build();
  }

  /** The directory holding the segment files and the lock file. */
  public Path directory() {
    return directory;
  }

  /** Most bytes the segment files may take together. */
  public long maxDiskBytes() {
    return maxDiskBytes;
  }

  /** The size at which a segment file is closed and a new one started. */
  public long segmentBytes() {
    return segmentBytes;
  }

  /** When writes are forced to the device. */
  public FsyncPolicy fsync() {
    return fsync;
  }

  @Override
  public String toString() {
    return "SpoolOptions{"
        + directory
        + ", maxDiskBytes="
        + maxDiskBytes
        + ", segmentBytes="
        + segmentBytes
        + ", fsync="
        + fsync
        + "}";
  }
}
