package io.scoutbot.storage.local;

import io.scoutbot.health.HealthCheck;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.ObjectKeys;
import io.scoutbot.storage.Presence;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StorageException;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.ChunkedCopy;
import io.scoutbot.transfer.Progress;
import io.scoutbot.transfer.Sha256;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores objects as files under a root directory, the embedded default when Pentaract is disabled.
 * Thread-safe: every write goes to a hidden temporary name in the target folder, is flushed to disk,
 * and is renamed into place atomically, so a crash never leaves a partial file under a real name.
 * Copies stream through one budgeted buffer.
 */
public final class LocalDirectoryStore implements StorageTarget, HealthCheck {

  /** Prefix of in-progress files; {@link #sweepParts} deletes stale ones; never read as objects. */
  public static final String PART_PREFIX = ".part-";

  private static final Logger log = LoggerFactory.getLogger(LocalDirectoryStore.class);

  private final Path root;
  private final MemoryBudget budget;
  private final int chunkSize;
  /** A short budget shrinks the buffer down to this, never below the configured chunk. */
  private final long minimumBuffer;

  private final InstantSource clock;

  public LocalDirectoryStore(Path root, MemoryBudget budget, int chunkSize) {
    this(root, budget, chunkSize, InstantSource.system());
  }

  /** @param clock decides which part files are old enough for {@link #sweepParts} */
  public LocalDirectoryStore(Path root, MemoryBudget budget, int chunkSize, InstantSource clock) {
    this.root = root.toAbsolutePath().normalize();
    this.budget = budget;
    this.chunkSize = chunkSize;
    this.minimumBuffer = Math.min(MemoryBudget.MIN_BUFFER, chunkSize);
    this.clock = clock;
  }

  @Override
  public String name() {
    return "local";
  }

  public Path root() {
    return root;
  }

  @Override
  public StoredObject upload(UploadRequest request) {
    Path target = resolve(request.key());
    Path temp = null;
    try (MemoryBudget.Operation op = budget.openOperation("local upload " + request.key());
        InputStream in = new FileInputStream(request.source().toFile())) {
      Files.createDirectories(target.getParent());
      temp = tempBeside(target);
      MessageDigest digest = Sha256.newDigest();
      long copied;
      try (MemoryBudget.Permit buffer = op.reserveUpTo(chunkSize, minimumBuffer);
          FileOutputStream out = new FileOutputStream(temp.toFile())) {
        copied = ChunkedCopy.copy(in, out, buffer.buffer(), digest, request.progress());
        out.getChannel().force(true);
      }
      if (copied != request.size()) {
        throw new StorageException(
            request.source() + " changed while it was being stored (expected " + request.size()
                + " bytes, read " + copied + "); nothing was stored",
            Disposition.PERMANENT);
      }
      moveIntoPlace(temp, target);
      temp = null;
      return new StoredObject(request.key(), copied, Sha256.hex(digest), copied == 0 ? 0 : 1);
    } catch (InterruptedException | InterruptedIOException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("upload of " + request.key() + " was cancelled",
          Disposition.RETRY, e);
    } catch (FileNotFoundException | NoSuchFileException e) {
      if (!Files.exists(request.source())) {
        throw new StorageException(
            "cannot read " + request.source() + ": the file no longer exists",
            Disposition.PERMANENT, e);
      }
      throw new StorageException("cannot store " + request.key() + ": " + e.getMessage(),
          Disposition.RETRY, e);
    } catch (IOException e) {
      throw new StorageException(
          "cannot store " + request.key() + " in " + root + ": " + e.getMessage()
              + " (check free disk space and permissions of DATA_DIR)",
          Disposition.RETRY, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  @Override
  public Received download(String location, Path target, Progress progress) {
    Path source = resolve(location);
    try (MemoryBudget.Operation op = budget.openOperation("local download " + location);
        MemoryBudget.Permit buffer = op.reserveUpTo(chunkSize, minimumBuffer);
        InputStream in = new FileInputStream(source.toFile());
        FileOutputStream out = new FileOutputStream(target.toFile())) {
      MessageDigest digest = Sha256.newDigest();
      long copied = ChunkedCopy.copy(in, out, buffer.buffer(), digest, progress);
      out.getChannel().force(true);
      return new Received(copied, Sha256.hex(digest));
    } catch (InterruptedException | InterruptedIOException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("download of " + location + " was cancelled", Disposition.RETRY,
          e);
    } catch (FileNotFoundException e) {
      if (!Files.exists(source)) {
        throw new StorageException(
            "the stored object " + location + " is missing from " + root
                + "; the file cannot be recovered from this store",
            Disposition.PERMANENT, e);
      }
      throw new StorageException("cannot read " + location + ": " + e.getMessage(),
          Disposition.RETRY, e);
    } catch (IOException e) {
      throw new StorageException("cannot read " + location + ": " + e.getMessage(),
          Disposition.RETRY, e);
    }
  }

  @Override
  public void delete(String location) {
    Path file = resolve(location);
    try {
      Files.deleteIfExists(file);
      Path parent = file.getParent();
      if (!parent.equals(root)) {
        try {
          Files.deleteIfExists(parent);
        } catch (DirectoryNotEmptyException ignored) {
          // other objects (or an upload in progress) still live in this folder
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot delete " + location + ": " + e.getMessage(),
          Disposition.RETRY, e);
    }
  }

  @Override
  public String locationOf(String key, long size) {
    return key;
  }

  /**
   * Objects appear under their key only complete (written beside it, then renamed), so one of the
   * right size is whole; it is recorded with the SHA-256 of its own bytes.
   */
  @Override
  public Presence presence(String key, long size, Path source) {
    Path file = resolve(key);
    try {
      if (!Files.isRegularFile(file) || Files.size(file) != size) {
        return new Presence.Incomplete(key);
      }
      try (MemoryBudget.Operation op = budget.openOperation("local check " + key);
          MemoryBudget.Permit buffer = op.reserveUpTo(chunkSize, minimumBuffer)) {
        return new Presence.Complete(new StoredObject(key, size,
            Sha256.ofFile(file, buffer.buffer()), size == 0 ? 0 : 1));
      }
    } catch (InterruptedException | InterruptedIOException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("the check of " + key + " was cancelled", Disposition.RETRY, e);
    } catch (IOException e) {
      throw new StorageException("cannot read " + key + " in " + root + ": " + e.getMessage(),
          Disposition.RETRY, e);
    }
  }

  @Override
  public Health check() {
    try {
      Files.createDirectories(root);
      return Files.isWritable(root)
          ? Health.up("local store at " + root)
          : Health.down("local store " + root + " is not writable");
    } catch (IOException e) {
      return Health.down("cannot create local store " + root + ": " + e.getMessage());
    }
  }

  /**
   * Deletes the part files a crashed or killed upload left behind: those not written to within
   * {@code olderThan} (an upload in progress writes its part file all the time), and then each
   * folder that became empty. Meant for start-up, before uploads run; objects are never touched.
   *
   * @return the number of part files deleted
   */
  public int sweepParts(Duration olderThan) {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    Instant cutoff = clock.instant().minus(olderThan);
    int[] deleted = {0};
    Set<Path> emptied = new HashSet<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (attrs.isRegularFile() && file.getFileName().toString().startsWith(PART_PREFIX)
              && attrs.lastModifiedTime().toInstant().isBefore(cutoff)
              && Files.deleteIfExists(file)) {
            deleted[0]++;
            emptied.add(file.getParent());
            log.info("Removed {}, left by an upload that stopped at {}", file,
                attrs.lastModifiedTime());
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          log.warn("Cannot check {} for leftover part files ({})", file, e.toString());
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path folder, IOException e) throws IOException {
          if (!folder.equals(root) && emptied.contains(folder)) {
            try {
              if (Files.deleteIfExists(folder)) {
                log.info("Removed the folder {}, empty once its part files were gone", folder);
              }
            } catch (DirectoryNotEmptyException stillUsed) {
              // holds objects, or a new upload started meanwhile
            }
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      log.warn("Cannot sweep part files in {} ({}); the next start tries again", root,
          e.toString());
    }
    return deleted[0];
  }

  private Path resolve(String key) {
    ObjectKeys.requireValid(key);
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new IllegalArgumentException("object key escapes the store: " + key);
    }
    return p;
  }

  private static Path tempBeside(Path target) {
    long nonce = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    return target.resolveSibling(PART_PREFIX + Long.toString(nonce, 36));
  }

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    // the rename itself is durable only once the directory entry is on disk
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // some file systems cannot open directories; the data itself is already synced
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a stale part file is harmless: its name is never read as an object
      }
    }
  }
}
