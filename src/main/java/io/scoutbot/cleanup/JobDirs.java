package io.scoutbot.cleanup;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs' own directories, {@code <root>/<job id>}: a fetcher writes there, a retry finds what
 * the last attempt left (to resume), and the directory goes when its job ends (completed, failed
 * for good or cancelled). Thread-safe: each directory belongs to one job at a time.
 */
public final class JobDirs {

  private static final Logger log = LoggerFactory.getLogger(JobDirs.class);

  private final Path root;

  public JobDirs(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The directory of job {@code jobId}, whether or not it exists. */
  public Path of(long jobId) {
    return root.resolve(Long.toString(jobId));
  }

  /**
   * The directory of job {@code jobId}, created if absent (kept as it is otherwise, so a retry can
   * resume from its contents).
   */
  public Path open(long jobId) {
    Path dir = of(jobId);
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ScoutFailure("cannot create the job's temp directory " + dir + ": "
          + e.getMessage() + " (check TMPFILE_PATH: free space and permissions); the job is"
          + " retried", Disposition.RETRY, e);
    }
  }

  /** Deletes job {@code jobId}'s directory and everything in it; a failure is logged, not thrown. */
  public void release(long jobId) {
    Path dir = of(jobId);
    try {
      deleteTree(dir);
    } catch (IOException e) {
      log.warn("Cannot remove the temp directory {} of finished job {} ({}); the temp sweep"
          + " removes it later", dir, jobId, e.toString());
    }
  }

  /** Deletes {@code dir} recursively; a missing directory is not an error. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
