package io.scoutbot.files;

import io.scoutbot.catalog.CatalogStats;
import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.NewFile;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.storage.ObjectKeys;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point front ends use for a user's files. Thread-safe. Every heavy step passes the
 * governor's gate and work limit first; every failure is a {@link ScoutFailure} whose message can be
 * shown to the user as is.
 */
public final class FileDesk {

  private static final Logger log = LoggerFactory.getLogger(FileDesk.class);

  private final FileCatalog catalog;
  private final StorageTarget target;
  private final Gate gate;
  private final WorkLimit workLimit;
  private final GcPolicy gc;

  public FileDesk(
      FileCatalog catalog, StorageTarget target, Gate gate, WorkLimit workLimit, GcPolicy gc) {
    this.catalog = catalog;
    this.target = target;
    this.gate = gate;
    this.workLimit = workLimit;
    this.gc = gc;
  }

  /** The storage backend files go to. */
  public String backend() {
    return target.name();
  }

  /**
   * Checks that {@code file} can be stored: it exists, is a regular file and is readable. Nothing is
   * written anywhere when it fails.
   */
  public static void requireStorable(Path file) {
    if (!Files.exists(file)) {
      throw rejected(file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw rejected(file + ": is a directory; give the files inside it instead");
    }
    if (!Files.isRegularFile(file)) {
      throw rejected(file + ": not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw rejected(file + ": permission denied (cannot read it)");
    }
  }

  /**
   * Stores {@code file} for {@code ownerId} under a new code and returns the completed entry. Blocks
   * until the bytes are on the backend.
   *
   * @param displayName the user's name for the file (e.g. a Telegram document's name); null takes
   *     the file's own name
   */
  public StoredFile upload(long ownerId, Path file, String displayName, Progress progress)
      throws InterruptedException {
    requireStorable(file);
    String name = displayName == null ? file.getFileName().toString() : displayName;
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw rejected(file + ": cannot read its size (" + e.getMessage() + ")");
    }
    StoredFile entry =
        catalog.register(new NewFile(ownerId, cleanName(name), size, MimeTypes.guess(name),
            target.name(), FileStatus.PENDING));
    try {
      gate.awaitCapacity("upload " + entry.code());
      try (WorkLimit.Slot slot = workLimit.acquire("upload " + entry.code())) {
        catalog.transition(entry.code(), FileStatus.UPLOADING, null, null);
        StoredObject stored =
            target.upload(new UploadRequest(file, ObjectKeys.of(entry.code(), entry.name()), size,
                entry.mimeType(), progress));
        catalog.transition(entry.code(), FileStatus.COMPLETED, stored, null);
        log.info("Stored {} as {} ({} bytes, {})", entry.name(), entry.code(), stored.size(),
            target.name());
      }
    } catch (InterruptedException e) {
      catalog.transition(entry.code(), FileStatus.FAILED, null, "cancelled");
      throw e;
    } catch (RuntimeException e) {
      catalog.transition(entry.code(), FileStatus.FAILED, null, e.getMessage());
      throw e;
    }
    gc.afterUpload(target.name());
    return catalog.find(ownerId, entry.code()).orElseThrow();
  }

  /**
   * Writes the owner's file {@code code} to {@code output} (a file, or a directory to put it in
   * under its name), verifying size and SHA-256 before the file appears there.
   *
   * @return the path written
   */
  public Path download(long ownerId, String code, Path output, Progress progress)
      throws InterruptedException {
    StoredFile f = completed(ownerId, code);
    Path out = Files.isDirectory(output) ? output.resolve(ObjectKeys.sanitise(f.name())) : output;
    Path dir = out.toAbsolutePath().getParent();
    Path temp =
        dir.resolve(".scoutbot-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36)
            + ".part");
    gate.awaitCapacity("download " + f.code());
    try (WorkLimit.Slot slot = workLimit.acquire("download " + f.code())) {
      Files.createDirectories(dir);
      Received got =
          f.size() == 0 && f.segments() == 0
              ? emptyFile(temp)
              : target.download(f.remotePath(), temp, progress);
      if (got.size() != f.size() || !got.sha256().equals(f.sha256())) {
        throw new ScoutFailure(
            "verification failed for " + f.code() + ": expected " + f.size() + " bytes with SHA-256 "
                + f.sha256() + ", received " + got.size() + " bytes with SHA-256 " + got.sha256()
                + "; nothing was written to " + out,
            Disposition.RETRY);
      }
      moveIntoPlace(temp, out);
      return out;
    } catch (IOException e) {
      throw new ScoutFailure("cannot write " + out + ": " + e.getMessage(), Disposition.PERMANENT,
          e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort: the part file has a hidden name and is never mistaken for the download
      }
    }
  }

  /** The owner's completed files, newest first. */
  public List<StoredFile> list(long ownerId) {
    return catalog.list(ownerId);
  }

  /** The owner's file, in any status but deleted; empty for unknown codes and other users' codes. */
  public Optional<StoredFile> info(long ownerId, String code) {
    String c = FileCodes.normalise(code);
    return c == null ? Optional.empty() : catalog.find(ownerId, c);
  }

  /** Deletes the owner's file from the backend, then marks it deleted. */
  public StoredFile delete(long ownerId, String code) {
    StoredFile f = info(ownerId, code).orElseThrow(() -> notFound(code));
    if (f.remotePath() != null) {
      target.delete(f.remotePath());
    }
    catalog.transition(f.code(), FileStatus.DELETED, null, null);
    log.info("Deleted {} ({})", f.code(), f.name());
    return f;
  }

  public CatalogStats stats(long ownerId) {
    return catalog.stats(ownerId);
  }

  private StoredFile completed(long ownerId, String code) {
    StoredFile f = info(ownerId, code).orElseThrow(() -> notFound(code));
    if (f.status() != FileStatus.COMPLETED) {
      throw new ScoutFailure(
          "file " + f.code() + " is not available for download: it is " + f.status().dbValue()
              + (f.error() == null ? "" : " (" + f.error() + ")"),
          Disposition.PERMANENT);
    }
    return f;
  }

  private static Received emptyFile(Path temp) throws IOException {
    Files.write(temp, new byte[0]);
    return new Received(0, io.scoutbot.transfer.Sha256.empty());
  }

  private static void moveIntoPlace(Path temp, Path out) throws IOException {
    try {
      Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The user's name minus path and control characters; the catalog shows it back to them. */
  static String cleanName(String name) {
    String n = name;
    int slash = Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\'));
    n = n.substring(slash + 1);
    StringBuilder b = new StringBuilder();
    n.codePoints().filter(cp -> !Character.isISOControl(cp)).forEach(b::appendCodePoint);
    String s = b.toString().strip();
    return s.isEmpty() ? "file" : s;
  }

  /** The failure for an unknown code, another user's code included: both read the same. */
  public static ScoutFailure notFound(String code) {
    String shown = code == null ? "" : code.strip().toUpperCase(java.util.Locale.ROOT);
    return new ScoutFailure("File not found with code: " + shown, Disposition.PERMANENT);
  }

  private static ScoutFailure rejected(String message) {
    return new ScoutFailure(message, Disposition.PERMANENT);
  }
}
