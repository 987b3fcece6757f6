package io.scoutbot.resource;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GC-after-upload policy (RESOURCE_GC_AFTER_UPLOAD): an upload's request for a collection is
 * coalesced with every other request made within a short window into one collection, run on a
 * background thread ({@code scoutbot-gc}), never on the uploader's. Thread-safe; {@link
 * #afterUpload} returns at once.
 *
 * <p>On the JVM "collect" means {@link System#gc()}: with G1 and Serial a full collection, after
 * which the heap may shrink by MinHeapFreeRatio/MaxHeapFreeRatio and return memory to the OS (see
 * docs/resources.md for the flags the launcher sets so it really does). A full collection is not
 * free, so besides the window, collections are spaced so that they take at most about 5 % of wall
 * time. Each collection's effect (heap committed and used, before and after) is logged at DEBUG and
 * counted in {@link #stats()}.
 */
public final class CoalescingGc implements GcPolicy, AutoCloseable {

  /** Counters for status and metrics. */
  public record Stats(
      boolean enabled, long requests, long collections, long reclaimedBytes, long releasedBytes) {}

  /** The heap as the policy sees it; a fake in tests, so they never run a real collection. */
  interface Heap {
    MemoryUsage usage();

    void collect();

    static Heap jvm() {
      MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
      return new Heap() {
        @Override
        public MemoryUsage usage() {
          return bean.getHeapMemoryUsage();
        }

        @Override
        public void collect() {
          System.gc();
        }
      };
    }
  }

  /** Runs a task after a delay on a background thread. */
  interface Timer {
    void schedule(Runnable task, long delayNanos);

    void shutdown();
  }

  /** Collections take at most 1/(1+19) = 5 % of wall time. */
  private static final int SPACING_FACTOR = 19;

  private static final Logger log = LoggerFactory.getLogger(CoalescingGc.class);
  private static final double MIB = 1024.0 * 1024;

  private final boolean enabled;
  private final long windowNanos;
  private final LongSupplier ticker;
  private final Timer timer;
  private final Heap heap;
  private final TreeSet<String> paths = new TreeSet<>();
  private long requests;
  private long batch;
  private long collections;
  private long reclaimed;
  private long released;
  private long earliestNext = Long.MIN_VALUE;
  private boolean scheduled;
  private boolean closed;

  CoalescingGc(boolean enabled, Duration window, LongSupplier ticker, Timer timer, Heap heap) {
    this.enabled = enabled;
    this.windowNanos = window.toNanos();
    this.ticker = Objects.requireNonNull(ticker);
    this.timer = Objects.requireNonNull(timer);
    this.heap = Objects.requireNonNull(heap);
  }

  /**
   * The policy for this JVM: when {@code enabled}, requests within {@code window} become one {@link
   * System#gc()} on a daemon thread created at the first request.
   */
  public static CoalescingGc create(boolean enabled, Duration window) {
    return create(enabled, window, Heap.jvm());
  }

  /** As {@link #create(boolean, Duration)}, collecting through {@code heap}: tests watch it. */
  static CoalescingGc create(boolean enabled, Duration window, Heap heap) {
    return new CoalescingGc(enabled, window, System::nanoTime, new DaemonTimer(), heap);
  }

  @Override
  public void afterUpload(String path) {
    if (!enabled) {
      return;
    }
    long delay;
    synchronized (this) {
      requests++;
      batch++;
      paths.add(path);
      if (scheduled || closed) {
        return;
      }
      scheduled = true;
      long now = ticker.getAsLong();
      delay = Math.max(windowNanos, earliestNext == Long.MIN_VALUE ? 0 : earliestNext - now);
    }
    timer.schedule(this::collect, delay);
  }

  /** Runs one collection for every request made since the last; on the timer thread. */
  void collect() {
    long coalesced;
    String which;
    synchronized (this) {
      // `scheduled` stays set while collecting: a request made meanwhile joins the next batch,
      // which is scheduled below, after this collection's spacing is known
      if (closed) {
        scheduled = false;
        return;
      }
      coalesced = batch;
      which = String.join(", ", paths);
      batch = 0;
      paths.clear();
    }
    MemoryUsage before = heap.usage();
    long start = ticker.getAsLong();
    heap.collect();
    long end = ticker.getAsLong();
    MemoryUsage after = heap.usage();
    long freed = Math.max(0, before.getUsed() - after.getUsed());
    long returned = Math.max(0, before.getCommitted() - after.getCommitted());
    long nextDelay = -1;
    synchronized (this) {
      collections++;
      reclaimed += freed;
      released += returned;
      earliestNext = end + SPACING_FACTOR * Math.max(0, end - start);
      if (batch > 0 && !closed) {
        nextDelay = Math.max(windowNanos, earliestNext - ticker.getAsLong());
      } else {
        scheduled = false;
      }
    }
    if (nextDelay >= 0) {
      timer.schedule(this::collect, nextDelay);
    }
    if (log.isDebugEnabled()) {
      log.debug(String.format(Locale.ROOT,
          "Garbage collection after %d upload(s) (%s) took %d ms: heap committed %.1f MiB -> %.1f "
              + "MiB, used %.1f MiB -> %.1f MiB",
          coalesced, which, TimeUnit.NANOSECONDS.toMillis(end - start),
          before.getCommitted() / MIB, after.getCommitted() / MIB, before.getUsed() / MIB,
          after.getUsed() / MIB));
    }
  }

  public synchronized Stats stats() {
    return new Stats(enabled, requests, collections, reclaimed, released);
  }

  /** Drops a pending collection (there is no point collecting on the way out) and the thread. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    timer.shutdown();
  }

  /** One daemon thread, created on first use, so commands that never upload start none. */
  private static final class DaemonTimer implements Timer {
    private ScheduledThreadPoolExecutor executor;
    private boolean shut;

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
      if (shut) {
        return;
      }
      if (executor == null) {
        executor =
            new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("scoutbot-gc").daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
      }
      executor.schedule(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.warn("Garbage collection after upload failed ({}); later uploads try again",
                  e.toString());
            }
          },
          delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
      shut = true;
      if (executor != null) {
        executor.shutdownNow();
      }
    }
  }
}
