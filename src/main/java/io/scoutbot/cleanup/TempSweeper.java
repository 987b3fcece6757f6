package io.scoutbot.cleanup;

import io.scoutbot.resource.Gate;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.time.Sleeper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps temp space from leaking: removes the job directories ({@link JobDirs}) that no live job
 * owns, at startup, every PENTARACT_CLEANUP_INTERVAL, and whenever the disk is fuller than
 * RESOURCE_DISK_THRESHOLD. Every removal is logged with what and why.
 *
 * <h2>What is removed</h2>
 * Only entries of the job-directory root ({@code TMPFILE_PATH/jobs}); the queue's own spool
 * ({@code TMPFILE_PATH/queue}, swept by the queue) and anything else under TMPFILE_PATH are never
 * touched. A directory is <em>reclaimable</em> when no unfinished job owns it ({@link LiveJobs}) and
 * nothing in it changed for CLEANUP_MIN_AGE_MINUTES. Its age is that of the newest file inside, not
 * of the directory (whose time does not change while a file in it grows). The listing is taken
 * before the live jobs are asked, so a directory created after the question cannot be mistaken for
 * an orphan, and each directory is looked at again just before it goes: one that changed meanwhile
 * is in use and stays.
 *
 * <h2>When</h2>
 * <ul>
 *   <li>{@link #reconcile()} at startup: no fetch of this process is running yet, so every
 *       directory of a job that is not unfinished goes whatever its age; directories of jobs that
 *       will resume stay.
 *   <li>{@link #sweep()} every interval, after waiting at the governor's gate as "cleanup" and for
 *       a work slot (it is heavy I/O like any transfer).
 *   <li>{@link #relieve()} every {@link #PRESSURE_CHECK} while the disk is above its threshold:
 *       reclaimable directories go oldest first until it is below. It does not wait at the gate,
 *       whose pressure it is there to relieve. New fetches wait at the gate meanwhile (the governor
 *       counts disk use in its pressure).
 * </ul>
 *
 * <h2>Threads</h2>
 * {@link #start()} runs one thread, {@code scoutbot-temp-sweeper}; every method is also callable
 * directly (tests drive them on a manual clock). Thread-safe: passes are serialised.
 */
public final class TempSweeper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TempSweeper.class);

  /** How often disk use is looked at between sweeps. */
  public static final Duration PRESSURE_CHECK = Duration.ofSeconds(10);

  /** The operation name the governor's gate logs while a sweep waits. */
  public static final String OPERATION = "cleanup";

  /**
   * When and what to sweep. Immutable.
   *
   * @param enabled PENTARACT_AUTO_CLEANUP: when false nothing is ever removed automatically
   * @param interval PENTARACT_CLEANUP_INTERVAL
   * @param minAge CLEANUP_MIN_AGE_MINUTES
   * @param diskThreshold RESOURCE_DISK_THRESHOLD, in percent
   */
  public record Settings(boolean enabled, Duration interval, Duration minAge,
      double diskThreshold) {
    public Settings {
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(minAge, "minAge");
      if (!interval.isPositive() || minAge.isNegative()) {
        throw new IllegalArgumentException("interval must be positive and minAge not negative: "
            + interval + ", " + minAge);
      }
      if (!(diskThreshold > 0 && diskThreshold <= 100)) {
        throw new IllegalArgumentException("diskThreshold must be in (0, 100]: " + diskThreshold);
      }
    }
  }

  /** An entry of the root as listed: its job (or null), newest change and size. */
  private record Entry(Path dir, Long jobId, Instant changed, long bytes) {}

  private final JobDirs dirs;
  private final LiveJobs live;
  private final Gate gate;
  private final WorkLimit workLimit;
  private final DiskGauge disk;
  private final Settings settings;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final Object passes = new Object();
  private volatile boolean stopped;
  private Thread thread;
  private boolean pressureReported;

  public TempSweeper(JobDirs dirs, LiveJobs live, Gate gate, WorkLimit workLimit, DiskGauge disk,
      Settings settings, InstantSource clock, Sleeper sleeper) {
    this.dirs = dirs;
    this.live = live;
    this.gate = gate;
    this.workLimit = workLimit;
    this.disk = disk;
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * Reconciles at once, then sweeps in the background; does nothing when auto-cleanup is off.
   * Returns at once after the reconciliation.
   */
  public synchronized void start() {
    if (!settings.enabled()) {
      log.info("Temp space cleanup is off (PENTARACT_AUTO_CLEANUP=false): job directories in {}"
          + " are removed only when their jobs end", dirs.root());
      return;
    }
    if (thread != null) {
      return;
    }
    reconcile();
    thread = Thread.ofPlatform().name("scoutbot-temp-sweeper").daemon().start(this::loop);
    log.info("Temp space cleanup started for {} (every {} min, after {} min unchanged, and above"
        + " {}% disk use)", dirs.root(), settings.interval().toMinutes(),
        settings.minAge().toMinutes(), settings.diskThreshold());
  }

  /** Stops the background thread; a pass under way finishes its current deletion. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      stopped = true;
      t = thread;
      thread = null;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Startup: removes every directory whose job is not unfinished, whatever its age.
   *
   * @return the number of directories removed
   */
  public int reconcile() {
    synchronized (passes) {
      List<Entry> entries = list();
      if (entries.isEmpty()) {
        return 0;
      }
      Set<Long> alive = live.unfinishedJobIds();
      int removed = 0;
      int kept = 0;
      for (Entry e : entries) {
        if (e.jobId() != null && alive.contains(e.jobId())) {
          kept++;
        } else if (remove(e, e.jobId() == null ? "startup: not a job's directory"
            : "startup: job " + e.jobId() + " is finished or gone, so nothing will resume it")) {
          removed++;
        }
      }
      log.info("Temp space at startup: {} job director{} kept for jobs that will resume, {}"
          + " removed", kept, kept == 1 ? "y" : "ies", removed);
      return removed;
    }
  }

  /**
   * One periodic pass: waits at the gate and for a work slot, then removes what is reclaimable.
   *
   * @return the number of directories removed
   */
  public int sweep() throws InterruptedException {
    gate.awaitCapacity(OPERATION);
    try (WorkLimit.Slot slot = workLimit.acquire(OPERATION)) {
      synchronized (passes) {
        int removed = 0;
        for (Entry e : reclaimable()) {
          if (remove(e, reason(e) + ", unchanged for " + age(e).toMinutes() + " min")) {
            removed++;
          }
        }
        if (removed > 0) {
          log.info("Temp space sweep removed {} job director{} no live job owns", removed,
              removed == 1 ? "y" : "ies");
        }
        return removed;
      }
    }
  }

  /**
   * While the disk is above its threshold, removes reclaimable directories oldest first until it
   * is below; never waits at the gate.
   *
   * @return the number of directories removed
   */
  public int relieve() {
    synchronized (passes) {
      double used = disk.usedPercent();
      if (!(used > settings.diskThreshold())) {
        if (pressureReported && !Double.isNaN(used)) {
          log.info("Disk use of temp space is back to {}% (RESOURCE_DISK_THRESHOLD {}%)",
              round(used), settings.diskThreshold());
          pressureReported = false;
        }
        return 0;
      }
      int removed = 0;
      List<Entry> candidates = new ArrayList<>(reclaimable());
      candidates.sort(Comparator.comparing(Entry::changed));
      for (Entry e : candidates) {
        if (remove(e, "disk use " + round(used) + "% is above RESOURCE_DISK_THRESHOLD "
            + settings.diskThreshold() + "%; " + reason(e) + ", the oldest left (unchanged for "
            + age(e).toMinutes() + " min)")) {
          removed++;
        }
        used = disk.usedPercent();
        if (!(used > settings.diskThreshold())) {
          break;
        }
      }
      if (used > settings.diskThreshold() && !pressureReported) {
        pressureReported = true;
        log.warn("Disk use of temp space is {}%, above RESOURCE_DISK_THRESHOLD {}%, and nothing"
            + " more can be removed: what is left belongs to live jobs or changed within {} min."
            + " New fetches wait at the governor's gate until space frees up", round(used),
            settings.diskThreshold(), settings.minAge().toMinutes());
      }
      return removed;
    }
  }

  private void loop() {
    Instant nextSweep = clock.instant().plus(settings.interval());
    while (!stopped) {
      try {
        relieve();
        if (!clock.instant().isBefore(nextSweep)) {
          sweep();
          nextSweep = clock.instant().plus(settings.interval());
        }
        sleeper.sleep(PRESSURE_CHECK);
      } catch (InterruptedException e) {
        if (stopped) {
          return;
        }
      } catch (RuntimeException e) {
        log.warn("Temp space sweep failed ({}); it runs again in {} s", e.toString(),
            PRESSURE_CHECK.toSeconds(), e);
        try {
          sleeper.sleep(PRESSURE_CHECK);
        } catch (InterruptedException stop) {
          if (stopped) {
            return;
          }
        }
      }
    }
  }

  /** Listed first, then the live jobs asked: see the class comment. */
  private List<Entry> reclaimable() {
    List<Entry> entries = list();
    if (entries.isEmpty()) {
      return entries;
    }
    Set<Long> alive = live.unfinishedJobIds();
    Instant cutoff = clock.instant().minus(settings.minAge());
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if ((e.jobId() == null || !alive.contains(e.jobId())) && !e.changed().isAfter(cutoff)) {
        out.add(e);
      }
    }
    return out;
  }

  private static String reason(Entry e) {
    return e.jobId() == null ? "not a job's directory"
        : "job " + e.jobId() + " is finished or gone";
  }

  private Duration age(Entry e) {
    Duration d = Duration.between(e.changed(), clock.instant());
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** Removes {@code e} unless it changed since it was listed; logs what and why. */
  private boolean remove(Entry e, String why) {
    try {
      Entry now = measure(e.dir(), e.jobId());
      if (now == null) {
        return false;
      }
      if (now.changed().isAfter(e.changed())) {
        log.info("Kept temp directory {}: it changed while being considered, so it is in use",
            e.dir());
        return false;
      }
      JobDirs.deleteTree(e.dir());
      log.info("Removed temp directory {} ({} bytes): {}", e.dir(), now.bytes(), why);
      return true;
    } catch (IOException ex) {
      log.warn("Cannot remove temp directory {} ({}); the next sweep tries again", e.dir(),
          ex.toString());
      return false;
    }
  }

  private List<Entry> list() {
    Path root = dirs.root();
    List<Entry> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path p : entries) {
        Entry e = measure(p, jobId(p));
        if (e != null) {
          out.add(e);
        }
      }
    } catch (IOException e) {
      log.warn("Cannot list temp space {} ({}); the next sweep tries again", root, e.toString());
    }
    return out;
  }

  private static Long jobId(Path p) {
    String name = p.getFileName().toString();
    try {
      return name.matches("\\d{1,18}") ? Long.valueOf(name) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The newest modification time and total size of everything under {@code p}; null if gone. */
  private static Entry measure(Path p, Long jobId) {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    long[] bytes = {0};
    Instant[] newest = {Instant.EPOCH};
    try {
      Files.walkFileTree(p, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
          newer(a);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
          newer(a);
          bytes[0] += a.size();
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
          return FileVisitResult.CONTINUE;
        }

        private void newer(BasicFileAttributes a) {
          Instant t = a.lastModifiedTime().toInstant();
          if (t.isAfter(newest[0])) {
            newest[0] = t;
          }
        }
      });
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
    return new Entry(p, jobId, newest[0], bytes[0]);
  }

  private static String round(double percent) {
    return String.format(java.util.Locale.ROOT, "%.1f", percent);
  }
}
