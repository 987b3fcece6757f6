package io.scoutbot.files;

import io.scoutbot.catalog.CatalogStats;
import io.scoutbot.catalog.DeletedFiles;
import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobListener;
import io.scoutbot.queue.JobState;
import io.scoutbot.queue.QueueCounts;
import io.scoutbot.queue.UploadJobs;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.storage.ObjectKeys;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point front ends use for a user's files. Thread-safe. Every upload is a durable job
 * of the upload queue (which passes the governor's gate and work limit and runs the GC-after-upload
 * policy); downloads pass the gate and work limit here. Every failure is a {@link ScoutFailure}
 * whose message can be shown to the user as is.
 */
public final class FileDesk {

  private static final Logger log = LoggerFactory.getLogger(FileDesk.class);

  private final FileCatalog catalog;
  private final DeletedFiles deleted;
  private final StorageTarget target;
  private final Gate gate;
  private final WorkLimit workLimit;
  private final UploadJobs jobs;

  /**
   * @param deleted the catalog's deletion side (in the service, the same catalog as {@code
   *     catalog}): {@link #delete} and {@link #removeLeftoverObjects} go through it
   * @param jobs the upload queue's side: every upload is a durable job, so nothing a user was told
   *     is ever lost
   */
  public FileDesk(FileCatalog catalog, DeletedFiles deleted, StorageTarget target, Gate gate,
      WorkLimit workLimit, UploadJobs jobs) {
    this.catalog = catalog;
    this.deleted = deleted;
    this.target = target;
    this.gate = gate;
    this.workLimit = workLimit;
    this.jobs = jobs;
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

  /** One file's upload: its job and stored entry, or why it could not be stored. */
  public record Upload(Path file, Job job, StoredFile stored, String error) {
    public boolean ok() {
      return stored != null && stored.status() == FileStatus.COMPLETED;
    }
  }

  /**
   * Stores {@code files} for {@code ownerId} and returns once each is stored or has failed for good.
   * Each file is checked first (exists, regular, readable); one that fails the check is reported
   * and nothing is recorded for it. The others become queued jobs at once (each with its code), and
   * run in this process — or in a running {@code serve} that claims them first — up to the
   * concurrency limits, retrying transient failures and outages as the queue does.
   *
   * @param observer told about retries and outcomes as they happen (e.g. to print them)
   * @return one entry per file, in the given order
   */
  public List<Upload> upload(long ownerId, List<Path> files, Progress progress,
      JobListener observer) throws InterruptedException {
    List<Upload> out = new ArrayList<>();
    List<Job> queued = new ArrayList<>();
    for (Path file : files) {
      try {
        long size = storableSize(file);
        Path abs = file.toAbsolutePath().normalize();
        Job job = jobs.submit(ownerId, abs, cleanName(fileName(file)), size, false);
        queued.add(job);
        out.add(new Upload(file, job, null, null));
      } catch (ScoutFailure e) {
        out.add(new Upload(file, null, null, e.getMessage()));
      }
    }
    if (queued.isEmpty()) {
      return out;
    }
    Map<Long, Job> ended = new HashMap<>();
    for (Job j : jobs.runToEnd(queued, progress, observer)) {
      ended.put(j.id(), j);
    }
    List<Upload> result = new ArrayList<>();
    for (Upload u : out) {
      if (u.job() == null) {
        result.add(u);
        continue;
      }
      Job j = ended.get(u.job().id());
      StoredFile f = catalog.find(ownerId, j.code()).orElse(null);
      if (j.state() == JobState.COMPLETED && f != null) {
        result.add(new Upload(u.file(), j, f, null));
      } else {
        result.add(new Upload(u.file(), j, f, j.lastError() == null ? "upload " + j.state().dbValue()
            : j.lastError()));
      }
    }
    return result;
  }

  /**
   * Stores one file and returns its completed entry; blocks until stored.
   *
   * @param displayName the user's name for the file (e.g. a Telegram document's name); null takes
   *     the file's own name
   * @throws ScoutFailure when it cannot be stored, with the reason
   */
  public StoredFile upload(long ownerId, Path file, String displayName, Progress progress)
      throws InterruptedException {
    long size = storableSize(file);
    Path abs = file.toAbsolutePath().normalize();
    Job job =
        jobs.submit(ownerId, abs, cleanName(displayName == null ? fileName(file) : displayName),
            size, false);
    Job end = jobs.runToEnd(List.of(job), progress, JobListener.NONE).getFirst();
    if (end.state() != JobState.COMPLETED) {
      throw new ScoutFailure(end.lastError() == null ? "upload " + end.state().dbValue()
          : end.lastError(), Disposition.PERMANENT);
    }
    return catalog.find(ownerId, end.code()).orElseThrow();
  }

  /**
   * Queues {@code file} for {@code ownerId} without waiting: it is copied into temp space first (the
   * user may then delete or move the original), and a running {@code serve} uploads it.
   *
   * @return the queued job, with the file's code
   * @throws ScoutFailure when the file is not storable or a queue limit is reached; nothing is
   *     recorded then
   */
  public Job enqueue(long ownerId, Path file, String displayName) throws InterruptedException {
    long size = storableSize(file);
    Path abs = file.toAbsolutePath().normalize();
    return jobs.submit(ownerId, abs,
        cleanName(displayName == null ? fileName(file) : displayName), size, true);
  }

  /** The owner's jobs (every user's when empty): unfinished ones with estimates, then history. */
  public List<UploadJobs.JobView> jobs(OptionalLong ownerId, int limit) {
    return jobs.list(ownerId, limit);
  }

  /** Cancels the owner's pending upload job. */
  public Job cancel(long ownerId, long jobId) {
    return jobs.cancel(ownerId, jobId);
  }

  /** The queue's counts per state, for status. */
  public QueueCounts queueCounts() {
    return jobs.counts();
  }

  private static long storableSize(Path file) {
    requireStorable(file);
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw rejected(file + ": cannot read its size (" + e.getMessage() + ")");
    }
  }

  private static String fileName(Path file) {
    return file.getFileName() == null ? file.toString() : file.getFileName().toString();
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

  /**
   * Deletes the owner's file: marks its entry deleted (in one step with reading what it points to,
   * so an upload finishing at that moment cannot leave its object behind), cancels a job still
   * waiting for it, then removes the stored object. When the backend cannot remove the object now,
   * the file is still deleted for its owner; the entry remembers the object and {@link
   * #removeLeftoverObjects} (run by {@code serve} at start) tries again.
   */
  public StoredFile delete(long ownerId, String code) {
    String c = FileCodes.normalise(code);
    StoredFile f = (c == null ? Optional.<StoredFile>empty() : deleted.markDeleted(ownerId, c))
        .orElseThrow(() -> notFound(code));
    // a file deleted before it was uploaded must not keep its job, quota and temp copy
    jobs.cancelPendingFor(ownerId, f.code());
    removeObject(f);
    log.info("Deleted {} ({})", f.code(), f.name());
    return f;
  }

  /**
   * Removes the stored objects of deleted files that an earlier {@link #delete} could not remove.
   * Stops at the first failure that may pass (the backend is down: the next start tries again);
   * an object the backend refuses for good stays recorded, logged at every start.
   *
   * @return how many objects were removed
   */
  public int removeLeftoverObjects() {
    int removed = 0;
    for (StoredFile f : deleted.deletedWithObjects(1000)) {
      ScoutFailure failed = removeObject(f);
      if (failed == null) {
        removed++;
      } else if (failed.disposition().retryable()) {
        break; // not once per file against a backend that is down
      }
    }
    if (removed > 0) {
      log.info("Removed {} stored object(s) of deleted files that an earlier delete left behind",
          removed);
    }
    return removed;
  }

  /** Removes {@code f}'s stored object, if any; returns why it could not, or null. */
  private ScoutFailure removeObject(StoredFile f) {
    if (f.remotePath() == null) {
      return null;
    }
    try {
      target.delete(f.remotePath());
    } catch (ScoutFailure e) {
      log.warn("Deleted {} ({}) for its owner, but its stored object {} could not be removed"
          + " ({}); serve tries again at its next start", f.code(), f.name(), f.remotePath(),
          e.getMessage());
      return e;
    }
    deleted.objectRemoved(f.code());
    return null;
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
