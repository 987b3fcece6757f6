package io.scoutbot.queue;

import io.scoutbot.fetch.JobSource;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's own folder in temp space (TMPFILE_PATH/queue): copies of files submitted without
 * waiting, so their users may delete or move the originals. Each copy is owned by one job and
 * deleted when that job completes, fails for good or is cancelled; {@link #sweep} removes copies no
 * live job owns (a crash between copying and submitting, or after finishing and before deleting).
 * Thread-safe.
 */
public final class JobSpool {

  private static final Logger log = LoggerFactory.getLogger(JobSpool.class);
  private static final String SUFFIX = ".upload";
  private static final String PART = ".part";

  private final Path dir;
  private final InstantSource clock;

  public JobSpool(Path dir, InstantSource clock) {
    this.dir = dir.toAbsolutePath().normalize();
    this.clock = clock;
  }

  public Path dir() {
    return dir;
  }

  /**
   * Copies {@code original} into the spool (by the file system's own copy, no heap buffer) and
   * returns the copy. The copy appears under its final name only when complete.
   */
  public Path copyIn(Path original) {
    String id = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    Path part = dir.resolve(id + PART);
    Path done = dir.resolve(id + SUFFIX);
    try {
      Files.createDirectories(dir);
      Files.copy(original, part);
      Files.move(part, done, StandardCopyOption.ATOMIC_MOVE);
      return done;
    } catch (IOException e) {
      deleteQuietly(part);
      throw new ScoutFailure(
          "cannot copy " + original + " into temp space " + dir + ": " + e.getMessage()
              + " (check free space in TMPFILE_PATH); nothing was queued",
          Disposition.PERMANENT, e);
    }
  }

  /** Deletes the job's file if the job owns it; files users still own are never touched. */
  public void release(Job job) {
    if (job.source() instanceof JobSource.LocalFile f && f.owned() && f.path().startsWith(dir)) {
      deleteQuietly(f.path());
    }
  }

  /** Deletes a copy that never became a job (the submission was refused). */
  public void discard(Path copy) {
    if (copy.toAbsolutePath().normalize().startsWith(dir)) {
      deleteQuietly(copy);
    }
  }

  /**
   * Deletes spool files that no live job owns and that were not modified within {@code grace} (a
   * copy in progress, or one about to be submitted, is recent).
   *
   * @param live the files live jobs own ({@link QueueHousekeeping#liveOwnedFiles})
   * @return the number of files deleted
   */
  public int sweep(Set<Path> live, Duration grace) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long cutoff = clock.millis() - grace.toMillis();
    int deleted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (!(name.endsWith(SUFFIX) || name.endsWith(PART)) || live.contains(f)) {
          continue;
        }
        try {
          if (Files.getLastModifiedTime(f).toMillis() < cutoff && Files.deleteIfExists(f)) {
            deleted++;
          }
        } catch (NoSuchFileException ignored) {
          // deleted meanwhile by its job
        }
      }
    } catch (IOException e) {
      log.warn("Cannot sweep temp space {} ({}); it is retried at the next sweep", dir,
          e.toString());
    }
    if (deleted > 0) {
      log.info("Removed {} temp file(s) from {} that no queued job owns", deleted, dir);
    }
    return deleted;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("Cannot delete temp file {} ({}); the next sweep removes it", p, e.toString());
    }
  }
}
