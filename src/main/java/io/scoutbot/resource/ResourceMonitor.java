package io.scoutbot.resource;

import io.scoutbot.config.ResourceConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Samples the {@link ResourceProbe} in the background and keeps the latest reading and the
 * throttling state (with hysteresis, see {@link PressureWindow}) for everyone else to read without
 * waiting. Thread-safe.
 *
 * <h2>Threads</h2>
 * {@link #start()} runs one daemon thread, {@code scoutbot-resource-monitor}, which takes a sample
 * at once, a second one shortly after (CPU use needs two readings), then one every
 * RESOURCE_SAMPLE_SECONDS. Nothing else ever calls the probe: readers ({@link #throttled()}, {@link
 * #latest()}, the gate) see the last sample. {@link #sampleOnce()} is the loop body, public so tests
 * drive the monitor with a fake probe and a manual clock instead of waiting for the thread.
 *
 * <h2>Log lines</h2>
 * The seed's lines, verbatim: {@code ✅ Resource monitoring service started/stopped}, the throttling
 * transitions, and {@code Resource metrics - …} every RESOURCE_MONITORING_INTERVAL minutes (the first
 * one interval after the first sample). A failing sample is logged once, then quietly until sampling
 * works again; the loop never dies.
 */
public final class ResourceMonitor {

  /** Told about every successful sample, on the sampler thread; must return quickly. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param throttled the state after this sample
     * @param calm whether this sample alone was below every threshold minus the recovery margin
     */
    void onSample(boolean throttled, boolean calm);
  }

  /** The latest sample, when it was taken, and the throttling state it left. */
  public record Reading(ResourceSample sample, Instant at, boolean throttled) {}

  /** Delay of the second sample: soon enough that a one-shot command gets a CPU figure. */
  static final Duration WARM_UP = Duration.ofMillis(500);

  private static final Logger log = LoggerFactory.getLogger(ResourceMonitor.class);
  private static final double GIB = 1024.0 * 1024 * 1024;

  private final ResourceProbe probe;
  private final ResourceConfig config;
  private final Thresholds thresholds;
  private final InstantSource clock;
  private final LongSupplier ticker;
  private final PressureWindow window;
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

  // guards the state below; `sampled` wakes awaitAttempts and `wake` the loop
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition sampled = lock.newCondition();
  private final Condition wake = lock.newCondition();
  private volatile Reading latest;
  private volatile boolean throttled;
  private long attempts;
  private long failures;
  private boolean failing;
  private long metricsBase = Long.MIN_VALUE;
  private boolean running;
  private Thread thread;
  private Level lifecycleLevel = Level.INFO;

  public ResourceMonitor(
      ResourceProbe probe, ResourceConfig config, InstantSource clock, LongSupplier ticker) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.config = Objects.requireNonNull(config, "config");
    this.thresholds = Thresholds.of(config);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.window = new PressureWindow(thresholds);
  }

  /**
   * Logs the started/stopped lines at {@code level}: INFO for {@code serve}, DEBUG for one-shot
   * commands, where they would only repeat around every upload.
   */
  public ResourceMonitor lifecycleLogLevel(Level level) {
    this.lifecycleLevel = Objects.requireNonNull(level);
    return this;
  }

  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  public Thresholds thresholds() {
    return thresholds;
  }

  /** Starts the sampler thread; a second start only logs a warning. Returns at once. */
  public void start() {
    lock.lock();
    try {
      if (running) {
        log.warn("Resource monitoring service is already running");
        return;
      }
      running = true;
      thread =
          Thread.ofPlatform().name("scoutbot-resource-monitor").daemon().start(this::loop);
    } finally {
      lock.unlock();
    }
    log.atLevel(lifecycleLevel)
        .log("✅ Resource monitoring service started (sampling every {}s, metrics every {}, CPU"
                + " threshold: {}%, Memory threshold: {}%, Disk threshold: {}%)",
            config.sampleInterval().toSeconds(), minutes(config.monitoringInterval().toMinutes()),
            thresholds.cpu(), thresholds.memory(), thresholds.disk());
  }

  /**
   * Stops the sampler and forgets the throttling state (an unmonitored host is not throttled).
   * Idempotent; returns within about a second.
   */
  public void stop() {
    Thread t;
    lock.lock();
    try {
      if (!running) {
        return;
      }
      running = false;
      t = thread;
      thread = null;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      t.join(Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (window) {
      window.reset();
      throttled = false;
    }
    log.atLevel(lifecycleLevel).log("✅ Resource monitoring service stopped");
  }

  public boolean running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /** Whether heavy work should wait now. Never blocks. */
  public boolean throttled() {
    return throttled;
  }

  /** The latest successful sample; empty before the first. Never blocks. */
  public Optional<Reading> latest() {
    return Optional.ofNullable(latest);
  }

  /** Sampling attempts so far, successful or not. */
  public long attempts() {
    lock.lock();
    try {
      return attempts;
    } finally {
      lock.unlock();
    }
  }

  /** Failed sampling attempts so far. */
  public long failures() {
    lock.lock();
    try {
      return failures;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until at least {@code n} sampling attempts have finished, or {@code timeout} passed. Does
   * not sample: the gate uses it so its first decision is made on a real reading, not on "nothing
   * known yet".
   *
   * @return whether {@code n} attempts were reached
   */
  public boolean awaitAttempts(long n, Duration timeout) throws InterruptedException {
    long remaining = timeout.toNanos();
    lock.lockInterruptibly();
    try {
      while (attempts < n) {
        if (remaining <= 0 || !running) {
          return attempts >= n;
        }
        remaining = sampled.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes one sample and acts on it: updates the throttling state (logging transitions), tells the
   * listeners, and logs the metrics line when due. A probe failure is logged and leaves the previous
   * state in place. Called by the sampler thread; tests call it directly.
   */
  public void sampleOnce() {
    ResourceSample sample;
    try {
      sample = probe.sample();
    } catch (RuntimeException e) {
      recordFailure(e);
      return;
    }
    PressureWindow.Transition transition;
    boolean nowThrottled;
    synchronized (window) {
      transition = window.add(sample);
      nowThrottled = window.throttled();
      throttled = nowThrottled;
      latest = new Reading(sample, clock.instant(), nowThrottled);
    }
    boolean calm = thresholds.calm(sample);
    logTransition(transition, sample);
    for (Listener l : listeners) {
      try {
        l.onSample(nowThrottled, calm);
      } catch (RuntimeException e) {
        log.warn("A resource listener failed ({}); the monitor carries on", e.toString());
      }
    }
    boolean logMetrics = false;
    lock.lock();
    try {
      if (failing) {
        failing = false;
        log.info("Resource sampling works again");
      }
      long now = ticker.getAsLong();
      if (metricsBase == Long.MIN_VALUE) {
        metricsBase = now;
      } else if (now - metricsBase >= config.monitoringInterval().toNanos()) {
        metricsBase = now;
        logMetrics = true;
      }
      attempts++;
      sampled.signalAll();
    } finally {
      lock.unlock();
    }
    if (logMetrics) {
      log.info("{}", metricsLine(sample));
    }
  }

  private void recordFailure(RuntimeException e) {
    lock.lock();
    try {
      attempts++;
      failures++;
      if (!failing) {
        failing = true;
        log.error("Failed to update resource usage: {}; keeping the last state and trying again "
                + "in {}s", e.toString(), config.sampleInterval().toSeconds());
      } else {
        log.debug("Failed to update resource usage again: {}", e.toString());
      }
      sampled.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void logTransition(PressureWindow.Transition transition, ResourceSample s) {
    switch (transition) {
      case THROTTLED -> {
        log.warn("Resource usage exceeded thresholds - throttling enabled (CPU: {}, Memory: {})",
            pct(s.cpuPercent()), pct(s.memoryPercent()));
        if (thresholds.diskHot(s)) {
          log.warn("Disk usage of the filesystem holding DATA_DIR is {} (RESOURCE_DISK_THRESHOLD "
                  + "{}%); heavy work stays throttled until it falls below {}%: free space there",
              pct(s.diskPercent()), thresholds.disk(), thresholds.calmBelow(thresholds.disk()));
        }
      }
      case RELIEVED ->
          log.info("Resource usage back to normal - throttling disabled (CPU: {}, Memory: {})",
              pct(s.cpuPercent()), pct(s.memoryPercent()));
      case NONE -> {}
    }
  }

  /** The seed's periodic line; GB figures are bytes / 1024³ with two decimals, as the seed printed. */
  static String metricsLine(ResourceSample s) {
    return String.format(Locale.ROOT,
        "Resource metrics - CPU: %s, Memory: %s (%.2fGB / %.2fGB), Disk: %s (%.2fGB / %.2fGB)",
        pct(s.cpuPercent()), pct(s.memoryPercent()), gib(s.memoryUsedBytes()),
        gib(s.memoryLimitBytes()), pct(s.diskPercent()), gib(s.diskUsedBytes()),
        gib(s.diskTotalBytes()));
  }

  /** One decimal and a percent sign, as the seed's {@code {x:.1f}%}; {@code n/a} when unknown. */
  /** {@code 1 minute}, {@code 10 minutes}. */
  static String minutes(long n) {
    return n + (n == 1 ? " minute" : " minutes");
  }

  static String pct(double percent) {
    return Double.isNaN(percent) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", percent);
  }

  private static double gib(long bytes) {
    return bytes < 0 ? 0 : bytes / GIB;
  }

  /**
   * Whether the calling sampler is the live one; a sampler that outlived stop()'s bounded join
   * (stuck in a slow probe) must not go on beside the one a later start() created. Under lock.
   */
  private boolean current() {
    return running && thread == Thread.currentThread();
  }

  /** The sampler: one sample at once, one after the warm-up, then every sample interval. */
  private void loop() {
    long delay = 0;
    boolean warmedUp = false;
    while (true) {
      lock.lock();
      try {
        long remaining = delay;
        while (current() && remaining > 0) {
          remaining = wake.awaitNanos(remaining);
        }
        if (!current()) {
          return;
        }
      } catch (InterruptedException e) {
        // stop() ends the loop through `running`; a stray interrupt must not freeze the state
        // (a throttled host would then stay throttled for every caller)
        log.warn("The resource sampler was interrupted; it keeps running until stopped");
        continue;
      } finally {
        lock.unlock();
      }
      try {
        sampleOnce();
      } catch (Throwable t) {
        // the monitor must outlive any bad iteration; a dead sampler would freeze the state
        log.error("Unexpected error in resource monitoring; it keeps running", t);
      }
      Reading r = latest;
      if (!warmedUp && (r == null || Double.isNaN(r.sample().cpuPercent()))) {
        warmedUp = true;
        delay = Math.min(WARM_UP.toNanos(), config.sampleInterval().toNanos());
      } else {
        warmedUp = true;
        delay = config.sampleInterval().toNanos();
      }
    }
  }
}
