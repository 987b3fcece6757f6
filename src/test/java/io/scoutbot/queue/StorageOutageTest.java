package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.catalog.FileStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage outage of several minutes, driven on a manual clock: every job keeps its file, none
 * fails, the pool probes with backoff instead of hammering the backend, and once storage returns the
 * whole backlog drains.
 */
class StorageOutageTest {

  static final Duration OUTAGE = Duration.ofMinutes(7);
  static final int JOBS = 20;

  @TempDir Path dir;
  QueueHarness h;

  @BeforeEach
  void setUp() {
    h = new QueueHarness(dir, 3, 50);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void outageOfSeveralMinutes_losesNothing_andTheBacklogDrainsAfterwards() throws Exception {
    Instant down = h.clock.instant();
    Instant up = down.plus(OUTAGE);
    h.storage.failure = r -> h.clock.instant().isBefore(up) ? FakeStorage.unavailable() : null;
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      jobs.add(h.submit(i % 4, "f" + i + ".bin", 1000 + i, true));
    }
    UploadWorkers pool = h.workers(java.util.Set.of());

    while (h.clock.instant().isBefore(up)) {
      pool.runDue();
      assertThat(h.queue.counts().failed()).isZero();
      assertThat(h.queue.counts().completed()).isZero();
      h.clock.advance(Duration.ofSeconds(5));
    }
    int attemptsDuringOutage = h.storage.attempts.get();
    // probing backs off to one attempt every couple of minutes, not one per job per poll
    assertThat(attemptsDuringOutage).isBetween(5, 20);
    assertThat(spooled()).hasSize(JOBS);
    assertThat(h.queue.list(JobQuery.unfinished(OptionalLong.empty(), 100)))
        .hasSize(JOBS)
        .allSatisfy(j -> assertThat(j.failures()).isZero());

    Instant deadline = up.plus(Duration.ofMinutes(3));
    while (h.queue.counts().completed() < JOBS && h.clock.instant().isBefore(deadline)) {
      h.clock.advance(Duration.ofSeconds(5));
      pool.runDue();
    }

    assertThat(h.queue.counts().completed()).isEqualTo(JOBS);
    for (Job j : jobs) {
      assertThat(h.catalog.find(j.ownerId(), j.code()).orElseThrow().status())
          .isEqualTo(FileStatus.COMPLETED);
    }
    assertThat(h.storage.objects).hasSize(JOBS);
    assertThat(spooled()).isEmpty();
  }

  private List<Path> spooled() throws Exception {
    if (!Files.isDirectory(h.spool.dir())) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(h.spool.dir())) {
      return s.toList();
    }
  }
}
