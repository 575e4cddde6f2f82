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

  /** A segment file found on opening. */
  record Found(long id, Path path, long size) {}

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

  /** Releases the lock. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
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
