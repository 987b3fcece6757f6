package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.db.DatabaseFailure;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.storage.StorageException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetryPolicyTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final RetryPolicy POLICY = RetryPolicy.withAttempts(3);

  static Stream<Arguments> decisions() {
    Throwable transient503 = new StorageException("HTTP 503 from Pentaract", Disposition.RETRY);
    Throwable down = new StorageException("Pentaract unreachable", Disposition.UNAVAILABLE);
    Throwable rejected = new StorageException("file rejected", Disposition.PERMANENT);
    Throwable missing = new StorageException("storage 'x' does not exist", Disposition.BLOCKED);
    Throwable slowDown =
        new ScoutFailure("429", Disposition.retryAfter(Duration.ofSeconds(42)));
    Throwable bug = new NullPointerException("x");
    Throwable dbDown = DatabaseFailure.of("cannot settle", new SQLException("connection reset", "08006"));
    return Stream.of(
        // failure, attempts so far, failures so far -> settlement
        // the file's own fault: it fails, and its temp copy goes
        Arguments.of(rejected, 1, 0, new Settlement.Failed("file rejected", false)),
        // the configuration's: it waits for an operator, counting nothing
        Arguments.of(missing, 4, 2, new Settlement.Blocked("storage 'x' does not exist")),
        Arguments.of(transient503, 1, 0,
            new Settlement.Retry(NOW.plusSeconds(5), "HTTP 503 from Pentaract", true)),
        Arguments.of(transient503, 2, 1,
            new Settlement.Retry(NOW.plusSeconds(10), "HTTP 503 from Pentaract", true)),
        Arguments.of(transient503, 3, 2,
            // not the file's fault either: its copy stays for a retry
            new Settlement.Failed("HTTP 503 from Pentaract (gave up after 3 failed attempts)",
                true)),
        Arguments.of(slowDown, 1, 0, new Settlement.Retry(NOW.plusSeconds(42), "429", true)),
        Arguments.of(slowDown, 3, 2,
            new Settlement.Failed("429 (gave up after 3 failed attempts)", true)),
        // outages never count and never give up, however many attempts
        Arguments.of(down, 1, 0,
            new Settlement.Retry(NOW.plusMillis(2500), "Pentaract unreachable", false)),
        Arguments.of(down, 4, 2,
            new Settlement.Retry(NOW.plusSeconds(20), "Pentaract unreachable", false)),
        Arguments.of(down, 500, 2,
            new Settlement.Retry(NOW.plusSeconds(60), "Pentaract unreachable", false)),
        // nor do database outages: waiting them out must not spend a job's attempts
        Arguments.of(dbDown, 4, 2, new Settlement.Retry(NOW.plusSeconds(20),
            "database error: cannot settle (connection reset); the operation can be retried once"
                + " the database answers",
            false)),
        // an unclassified fault is transient and named
        Arguments.of(bug, 1, 0, new Settlement.Retry(NOW.plusSeconds(5),
            "unexpected error: java.lang.NullPointerException: x", true)));
  }

  @ParameterizedTest(name = "{0} after {1} attempts / {2} failures")
  @MethodSource("decisions")
  void decide_actsOnTheDispositionOnly(
      Throwable failure, int attempts, int failures, Settlement expected) {
    assertThat(POLICY.decide(job(attempts, failures), failure, NOW, () -> 0.0))
        .isEqualTo(expected);
  }

  private static Job job(int attempts, int failures) {
    return new Job(1, 1, new JobSource.LocalFile(Path.of("/tmp/x"), "n", false), "x", 1, "local",
        JobState.RUNNING, attempts, failures, NOW, null, "ABC123", "n/1/1", NOW, 0, 1, NOW, NOW,
        null, null, null, false, Route.STORE, false, false);
  }
}
