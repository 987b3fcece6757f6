package io.scoutbot.storage.pentaract;

import io.scoutbot.config.Secret;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Backoff;
import io.scoutbot.testing.ManualClock;
import io.scoutbot.time.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A fake Pentaract with one user and one storage (with a worker), and Pentaract targets wired to it
 * with a manual clock, sleepers that never wait, and short timeouts. Builder-style setters change the
 * settings of targets made afterwards. Not thread-safe while being set up.
 */
final class PentaractFixture implements AutoCloseable {

  static final String EMAIL = "bot@example.com";
  static final String PASSWORD = "correct horse";
  static final String STORAGE = "ScoutBot-Storage";

  final Path dir;
  final ManualClock clock = new ManualClock();
  final FakePentaract fake;
  final String storageId;
  final TestSleeper sleeper = TestSleeper.immediate(clock);
  TestSleeper probeSleeper = TestSleeper.held(clock);
  final BlockingQueue<Boolean> breakerChanges = new LinkedBlockingQueue<>();

  MemoryBudget budget = new MemoryBudget(64 << 20, 32 << 20);
  long segmentBytes;
  int chunkSize = 64 << 10;
  long threshold = 16 << 10;
  Duration timeout = Duration.ofSeconds(5);
  Duration perChunk = Duration.ofSeconds(5);
  int attempts = 3;
  int maxConcurrent = 3;
  String storage = STORAGE;
  OptionalLong chatId = OptionalLong.empty();
  Optional<Path> memory = Optional.empty();
  URI api;
  String password = PASSWORD;

  private PentaractTarget target;
  private final List<PentaractTarget> targets = new CopyOnWriteArrayList<>();

  private PentaractFixture(Path dir) throws IOException {
    this.dir = dir;
    this.fake = new FakePentaract(dir.resolve("server"), clock).user(EMAIL, PASSWORD);
    this.storageId = fake.addStorage(EMAIL, STORAGE, -1234567890L, true);
    fake.start(0);
    this.api = fake.apiUrl();
  }

  /** A started fake and settings for a target with {@code segmentBytes} segments (0: none). */
  static PentaractFixture start(Path dir, long segmentBytes) throws IOException {
    PentaractFixture f = new PentaractFixture(dir);
    f.segmentBytes = segmentBytes;
    return f;
  }

  /** The target with the current settings, made on first use. */
  PentaractTarget target() {
    if (target == null) {
      target = newTarget();
    }
    return target;
  }

  /** A new target (a new process, as far as Pentaract can tell) with the current settings. */
  PentaractTarget newTarget() {
    PentaractTarget.Settings settings = new PentaractTarget.Settings(api, EMAIL,
        Secret.of(password), storage, chatId, segmentBytes, maxConcurrent, timeout, attempts,
        chunkSize, threshold, memory);
    PentaractTarget.Tuning tuning = new PentaractTarget.Tuning(perChunk,
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)),
        new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(2)), 3);
    PentaractTarget.Seams seams = new PentaractTarget.Seams(clock, sleeper, probeSleeper,
        () -> 0.5, Thread.ofVirtual().name("pentaract-probe-test").factory(),
        Thread.ofPlatform().name("sha256-test-", 1).daemon().factory(), breakerChanges::add);
    PentaractTarget t = new PentaractTarget(settings, tuning, budget, seams);
    targets.add(t);
    return t;
  }

  @Override
  public void close() {
    for (PentaractTarget t : targets) {
      t.close();
    }
    fake.close();
  }
}
