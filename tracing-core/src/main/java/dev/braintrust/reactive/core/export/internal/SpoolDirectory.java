package dev.braintrust.reactive.core.export.internal;

import dev.braintrust.reactive.core.BraintrustException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A spool directory held by this process: {@link FileChannel#tryLock()} on its lock file, which
 * also records the holder's process id for the error another process gets. The operating system
 * releases the lock when the process dies, however it dies.
 *
 * <p>A process-wide registry of held directories refuses a second open in this process before the
 * lock file is opened again: POSIX record locks belong to the process, so closing <em>any</em>
 * descriptor of the lock file (as a refused second open would) releases the lock the first holder
 * still relies on, and another process could then take the directory while this one writes.
 */
final class SpoolDirectory implements AutoCloseable {
  // Directories (real paths) held by an exporter of this process.
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path path;
  private final Path key;
  private final FileChannel lockChannel;
  private final FileLock lock;
  // Closed once: a second close must not unregister a later holder of the same directory.
  private boolean closed;
  private @Nullable FileChannel ackedChannel;

  /** A segment file found on opening. */
  record Found(long id, Path path, long size) {}

  /** What an earlier run left: its segments, oldest first, their bytes, and the next id. */
  record Recovered(List<Segment> segments, long bytes, long nextId) {}

  private SpoolDirectory(Path path, Path key, FileChannel lockChannel, FileLock lock) {
    this.path = path;
    this.key = key;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates the directory if needed and locks it.
   *
   * @throws BraintrustException when another exporter (in this process or another) holds it
   */
  static SpoolDirectory lock(Path dir) throws IOException {
    Path path = dir.toAbsolutePath();
    Files.createDirectories(path);
    Path lockFile = path.resolve(SpoolFormat.LOCK_FILE);
    // The real path, so two spellings of one directory (a symlink, "a/../b") are one entry.
    Path key = path.toRealPath();
    if (!HELD.add(key)) {
      // Refused without touching the lock file: closing a descriptor of it would drop our lock.
      throw inUse(path, lockFile, Long.toString(ProcessHandle.current().pid()));
    }
    FileChannel ch = null;
    try {
      ch =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException sameProcess) {
        lock = null;
      }
      if (lock == null) {
        throw inUse(path, lockFile, holder(ch));
      }
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)),
          0);
      return new SpoolDirectory(path, key, ch, lock);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      HELD.remove(key);
      throw e;
    }
  }

  private static BraintrustException inUse(Path path, Path lockFile, String holder) {
    return new BraintrustException(
        "the spool directory "
            + path
            + " is in use by another exporter"
            + (holder.isEmpty() ? "" : " (process " + holder + ")")
            + "; it holds the lock on "
            + lockFile
            + ". Give each exporter its own directory.");
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      int n = ch.read(b, 0);
      String s = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII).trim();
      return s.matches("[0-9]{1,19}") ? s : "";
    } catch (IOException e) {
      return "";
    }
  }

  Path path() {
    return path;
  }

  /** The segment files, oldest first. */
  List<Found> segments() throws IOException {
    List<Found> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(path)) {
      for (Path f : files) {
        long id = SpoolFormat.segmentId(f.getFileName().toString());
        if (id >= 0 && Files.isRegularFile(f)) {
          found.add(new Found(id, f, Files.size(f)));
        }
      }
    }
    found.sort(Comparator.comparingLong(Found::id));
    return found;
  }

  /**
   * The segments an earlier run left, to be read first, starting past what it saved as
   * acknowledged; segments wholly before that are deleted (their deletion was all it missed).
   */
  Recovered recover() throws IOException {
    List<Found> found = segments();
    long[] acked = loadAcked();
    // Applied only when its segment is here: otherwise it may predate what is on disk.
    boolean applies = false;
    for (Found f : found) {
      applies |= acked != null && f.id() == acked[0] && acked[1] <= f.size();
    }
    List<Segment> out = new ArrayList<>();
    long last = 0;
    long bytes = 0;
    for (Found f : found) {
      if (applies && f.id() < acked[0]) {
        delete(f.path());
        continue;
      }
      Segment s = new Segment(f.id(), f.path(), true);
      s.size = f.size();
      s.fileSize = f.size();
      s.sealed = true;
      if (applies && f.id() == acked[0]) {
        s.start = acked[1];
      }
      out.add(s);
      bytes += f.size();
      last = f.id();
    }
    // Ids never go back, so a saved position can't name a segment of a later run.
    return new Recovered(out, bytes, Math.max(last, acked != null ? acked[0] : 0) + 1);
  }

  /** Forces the directory's entries (a new segment's name) to the device, where supported. */
  void sync() {
    try (FileChannel d = FileChannel.open(path, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException unsupported) {
      // Not every platform can open a directory; the segment's data is still forced.
    }
  }

  long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      SpoolLog.LOG.warn("Braintrust spool: could not delete {}: {}", file, e.toString());
    }
  }

  /**
   * The position an earlier run saved in {@link SpoolFormat#ACKED_FILE} (segment id and offset)
   * before which every record was acknowledged; null when there is none or it does not check out.
   */
  long @Nullable [] loadAcked() {
    Path f = path.resolve(SpoolFormat.ACKED_FILE);
    try {
      if (!Files.isRegularFile(f)) {
        return null;
      }
      return SpoolFormat.decodeAcked(Files.readAllBytes(f));
    } catch (IOException e) {
      SpoolLog.LOG.warn("Braintrust spool: could not read {}: {}", f, e.toString());
      return null;
    }
  }

  /**
   * Saves the acknowledged position, overwriting the last one in place. Not forced to the device:
   * after a power loss an older position (or none) only means rows sent again, which the server's
   * upsert by id absorbs; a torn write fails its checksum and counts as none.
   */
  void saveAcked(long segment, long offset) {
    try {
      FileChannel ch = ackedChannel;
      if (ch == null) {
        ch =
            FileChannel.open(
                path.resolve(SpoolFormat.ACKED_FILE),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        ackedChannel = ch;
      }
      Segment.writeFully(ch, ByteBuffer.wrap(SpoolFormat.encodeAcked(segment, offset)), 0);
    } catch (IOException e) {
      SpoolLog.LOG.warn(
          "Braintrust spool: could not save the acknowledged position: {}", e.toString());
    }
  }

  /** Releases the lock. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    FileChannel acked = ackedChannel;
    if (acked != null) {
      try {
        acked.close();
      } catch (IOException ignored) {
        // Written in place already; nothing to flush.
      }
    }
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel releases it too.
    }
    try {
      lockChannel.close();
    } catch (IOException ignored) {
      // Nothing more to do.
    } finally {
      HELD.remove(key);
    }
  }
}
