package io.scoutbot.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.resource.Gate;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.testing.LogCapture;
import io.scoutbot.testing.ManualClock;
import io.scoutbot.testing.ManualSleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The temp sweep on a manual clock: in-use directories survive every pass, orphans go once old
 * enough, startup keeps what will resume, disk pressure frees the oldest first, and the queue's
 * spool next door is never touched. File times are set from the manual clock, so ages are exact.
 */
@Timeout(30)
class TempSweeperTest {

  private static final Duration MIN_AGE = Duration.ofMinutes(60);

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final Set<Long> live = ConcurrentHashMap.newKeySet();
  private final List<String> gated = new CopyOnWriteArrayList<>();
  private volatile double diskPercent = 50;
  private JobDirs dirs;
  private Path spool;

  @BeforeEach
  void setUp() throws IOException {
    dirs = new JobDirs(tmp.resolve("tmp/jobs"));
    spool = Files.createDirectories(tmp.resolve("tmp/queue"));
    Path copy = Files.writeString(spool.resolve("abc.upload"), "queued copy");
    touch(copy, Duration.ofDays(30));
  }

  private TempSweeper sweeper(WorkLimit limit) {
    Gate gate = operation -> gated.add(operation);
    return new TempSweeper(dirs, () -> Set.copyOf(live), gate, limit, () -> diskPercent,
        new TempSweeper.Settings(true, Duration.ofMinutes(30), MIN_AGE, 90.0), clock,
        new ManualSleeper(clock));
  }

  private TempSweeper sweeper() {
    return sweeper(WorkLimit.fixed(3));
  }

  /** A job directory with one file of {@code bytes}, everything last changed {@code ago}. */
  private Path job(long id, int bytes, Duration ago) throws IOException {
    Path dir = dirs.open(id);
    Path f = Files.write(dir.resolve("download.part"), new byte[bytes]);
    touch(f, ago);
    touch(dir, ago);
    return dir;
  }

  private void touch(Path p, Duration ago) throws IOException {
    Files.setLastModifiedTime(p, FileTime.from(clock.instant().minus(ago)));
  }

  @Test
  void reconcile_keepsTheDirectoriesOfJobsThatWillResume_andRemovesOrphans() throws IOException {
    Path resumable = job(1, 100, Duration.ofMinutes(1));
    Path orphan = job(2, 100, Duration.ofMinutes(1));
    Path stray = Files.writeString(dirs.root().resolve("stray.txt"), "x");
    live.add(1L);

    try (LogCapture logs = LogCapture.of(TempSweeper.class)) {
      assertThat(sweeper().reconcile()).isEqualTo(2);

      assertThat(logs.messages()).anyMatch(m -> m.startsWith("Removed temp directory " + orphan)
          && m.endsWith("startup: job 2 is finished or gone, so nothing will resume it"));
    }
    assertThat(resumable.resolve("download.part")).exists();
    assertThat(orphan).doesNotExist();
    assertThat(stray).doesNotExist();
    assertThat(spool.resolve("abc.upload")).as("the queue's spool is not ours").exists();
  }

  @Test
  void sweep_removesOrphans_onlyOnceUnchangedForTheMinimumAge() throws Exception {
    Path old = job(1, 10, Duration.ofMinutes(61));
    Path young = job(2, 10, Duration.ofMinutes(10));
    TempSweeper s = sweeper();

    assertThat(s.sweep()).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(young).exists();

    clock.advance(Duration.ofMinutes(50));
    assertThat(s.sweep()).isEqualTo(1);
    assertThat(young).doesNotExist();
    assertThat(spool.resolve("abc.upload")).exists();
  }

  @Test
  void sweep_judgesAgeByTheNewestFile_notByTheDirectory() throws Exception {
    Path dir = job(1, 10, Duration.ofDays(2));
    Path growing = Files.write(dir.resolve("media.part"), new byte[10]);
    touch(growing, Duration.ofMinutes(1));
    touch(dir, Duration.ofDays(2));

    assertThat(sweeper().sweep()).isZero();
    assertThat(growing).exists();
  }

  @Test
  void liveJobsDirectories_surviveEveryPass_whateverTheirAgeAndTheDisk() throws Exception {
    Path running = job(7, 1000, Duration.ofDays(3));
    live.add(7L);
    diskPercent = 99;
    TempSweeper s = sweeper();

    s.reconcile();
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofHours(5));
      s.sweep();
      s.relieve();
    }

    assertThat(running.resolve("download.part")).exists();
  }

  @Test
  void sweep_waitsAtTheGateAsCleanup_andForAWorkSlot() throws Exception {
    Path orphan = job(3, 10, Duration.ofHours(2));
    WorkLimit one = WorkLimit.fixed(1);
    TempSweeper s = sweeper(one);
    WorkLimit.Slot held = one.acquire("an upload");
    CompletableFuture<Integer> swept = new CompletableFuture<>();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        swept.complete(s.sweep());
      } catch (Throwable e) {
        swept.completeExceptionally(e);
      }
    });

    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> t.getState() == Thread.State.WAITING);
    assertThat(gated).containsExactly("cleanup");
    assertThat(orphan).as("nothing removed while the slot is taken").exists();

    held.close();
    assertThat(swept.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(orphan).doesNotExist();
  }

  @Test
  void relieve_underDiskPressure_freesTheOldestReclaimableFirst_untilBelowTheThreshold()
      throws Exception {
    Path oldest = job(1, 10, Duration.ofHours(30));
    Path older = job(2, 10, Duration.ofHours(20));
    Path old = job(3, 10, Duration.ofHours(10));
    Path liveOne = job(4, 10, Duration.ofHours(40));
    Path recent = job(5, 10, Duration.ofMinutes(5));
    live.add(4L);
    // each removal frees 3 points of disk: 95 → 92 → 89
    TempSweeper s = new TempSweeper(dirs, () -> Set.copyOf(live),
        operation -> {
          throw new AssertionError("relief must not wait at the gate it relieves");
        },
        WorkLimit.fixed(1), () -> 80 + 3 * countJobDirs(), new TempSweeper.Settings(true,
            Duration.ofMinutes(30), MIN_AGE, 90.0), clock, new ManualSleeper(clock));

    try (LogCapture logs = LogCapture.of(TempSweeper.class)) {
      assertThat(s.relieve()).isEqualTo(2);

      assertThat(logs.messages()).anyMatch(m -> m.contains(oldest.toString())
          && m.contains("disk use 95.0% is above RESOURCE_DISK_THRESHOLD 90.0%"));
    }
    assertThat(oldest).doesNotExist();
    assertThat(older).doesNotExist();
    assertThat(old).exists();
    assertThat(liveOne).exists();
    assertThat(recent).exists();
  }

  @Test
  void relieve_whenNothingCanGo_saysSoOnce() throws Exception {
    job(1, 10, Duration.ofHours(3));
    live.add(1L);
    diskPercent = 97;
    TempSweeper s = sweeper();

    try (LogCapture logs = LogCapture.of(TempSweeper.class)) {
      s.relieve();
      s.relieve();

      assertThat(logs.messages().stream().filter(m -> m.contains("nothing more can be removed")))
          .hasSize(1);
    }
  }

  @Test
  void start_whenAutoCleanupIsOff_removesNothing() throws Exception {
    Path orphan = job(2, 10, Duration.ofDays(1));
    TempSweeper off = new TempSweeper(dirs, LiveJobs.none(), Gate.open(), WorkLimit.fixed(1),
        () -> 99, new TempSweeper.Settings(false, Duration.ofMinutes(30), MIN_AGE, 90.0), clock,
        new ManualSleeper(clock));

    off.start();
    off.close();

    assertThat(orphan).exists();
  }

  @Test
  void start_reconcilesAtOnce_thenSweepsEveryInterval() throws Exception {
    Path orphan = job(2, 10, Duration.ofMinutes(1));
    ManualSleeper sleeper = new ManualSleeper(clock);
    TempSweeper s = new TempSweeper(dirs, LiveJobs.none(), operation -> gated.add(operation),
        WorkLimit.fixed(1), () -> 10,
        new TempSweeper.Settings(true, Duration.ofMinutes(30), MIN_AGE, 90.0), clock, sleeper);
    try {
      s.start();
      assertThat(orphan).as("reconciled at start").doesNotExist();
      Path later = job(3, 10, Duration.ofHours(2));

      sleeper.awaitQuiet(1);
      assertThat(gated).isEmpty();
      // 30 minutes in 10 s steps; the sweep comes with the last one
      for (int i = 0; i < 200 && Files.exists(later); i++) {
        sleeper.advance(TempSweeper.PRESSURE_CHECK);
        sleeper.awaitQuiet(1);
      }

      assertThat(later).doesNotExist();
      assertThat(gated).containsExactly("cleanup");
    } finally {
      s.close();
    }
  }

  private long countJobDirs() {
    try (Stream<Path> s = Files.list(dirs.root())) {
      return s.count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
