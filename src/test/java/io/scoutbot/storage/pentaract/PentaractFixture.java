package io.scoutbot.storage.pentaract;

import io.scoutbot.config.Secret;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Backoff;
import io.scoutbot.testing.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fake Pentaract with one user and one storage (with a worker), and Pentaract targets wired to it
 * with a manual clock, sleepers that never wait, and short timeouts. Not thread-safe while being set
 * up; the targets it makes are.
 *
 * <p>A JUnit 5 extension, registered on a field so each test gets its own started fake:
 *
 * <pre>{@code
 * @RegisterExtension final PentaractFixture f = PentaractFixture.unsegmented();
 * }</pre>
 *
 * Before each test (and before the test's own {@code @BeforeEach} methods) the fake starts in a
 * fresh directory; after it, every target made is closed, the fake stopped and its directory
 * deleted, whatever the test did. The fields are settings for targets made afterwards: a test
 * changes them, then calls {@link #target()} or {@link #newTarget()}. {@link #start(Path, long)}
 * makes one by hand, for a test that builds more around it in its own order.
 */
final class PentaractFixture implements BeforeEachCallback, AfterEachCallback, AutoCloseable {

  static final String EMAIL = "bot@example.com";
  static final String PASSWORD = "correct horse";
  static final String STORAGE = "ScoutBot-Storage";

  final ManualClock clock = new ManualClock();
  final TestSleeper sleeper = TestSleeper.immediate(clock);
  TestSleeper probeSleeper = TestSleeper.held(clock);
  final BlockingQueue<Boolean> breakerChanges = new LinkedBlockingQueue<>();

  /** The fake's directory (its stored files); set once it runs. */
  Path dir;
  FakePentaract fake;
  String storageId;

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
  /** True when the directory is the fixture's own, to delete after the test. */
  private boolean ownsDir;

  private PentaractFixture(long segmentBytes) {
    this.segmentBytes = segmentBytes;
  }

  /** An extension for targets that store every file as one object. */
  static PentaractFixture unsegmented() {
    return new PentaractFixture(0);
  }

  /** An extension for targets that cut files larger than {@code segmentBytes} into segments. */
  static PentaractFixture segmented(long segmentBytes) {
    return new PentaractFixture(segmentBytes);
  }

  /**
   * A fake started now in {@code dir}, for targets with {@code segmentBytes} segments (0: none);
   * the caller closes it.
   */
  static PentaractFixture start(Path dir, long segmentBytes) throws IOException {
    PentaractFixture f = new PentaractFixture(segmentBytes);
    f.startIn(dir);
    return f;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    ownsDir = true;
    startIn(Files.createTempDirectory("fake-pentaract-"));
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    close();
    if (ownsDir) {
      deleteTree(dir);
    }
  }

  private void startIn(Path dir) throws IOException {
    this.dir = dir;
    this.fake = new FakePentaract(dir.resolve("server"), clock).user(EMAIL, PASSWORD);
    this.storageId = fake.addStorage(EMAIL, STORAGE, -1234567890L, true);
    fake.start(0);
    this.api = fake.apiUrl();
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

  /** Closes every target made and stops the fake; safe to call again. */
  @Override
  public void close() {
    for (PentaractTarget t : targets) {
      t.close();
    }
    targets.clear();
    if (fake != null) {
      fake.close();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
