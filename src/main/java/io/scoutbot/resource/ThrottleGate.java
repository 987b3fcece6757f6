package io.scoutbot.resource;

import io.scoutbot.time.Sleeper;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Gate} of the resource governor: heavy work waits while the {@link ResourceMonitor}
 * says the host is throttled. Thread-safe; waiting threads pause through a {@link Sleeper} (parked,
 * never spinning) and read only the monitor's latest state, never the probe.
 *
 * <h2>Waiting</h2>
 * Not throttled: returns at once. Throttled: logs {@code Throttling <op> due to high resource usage
 * (…)}, re-checks every RESOURCE_THROTTLE_POLL_SECONDS, and returns with {@code Resources back to
 * normal, resuming <op>} as soon as a check finds pressure gone. After
 * RESOURCE_THROTTLE_MAX_WAIT_SECONDS it proceeds anyway, so nothing waits for ever.
 *
 * <h2>No stampede</h2>
 * Proceeding anyway is exactly when the host is still loaded, so waiters whose maximum wait has
 * passed are released one at a time, one poll interval apart, in the order their waits ran out;
 * while a released waiter waits for its turn it keeps checking, and goes at once if pressure ends.
 *
 * <h2>Listeners</h2>
 * Every wait that happened (not the calls that passed at once) is reported once it ends, with its
 * length on the gate's ticker and how it ended, for metrics.
 */
public final class ThrottleGate implements Gate {

  /** How a throttled operation's wait ended. */
  public enum Outcome {
    /** Pressure ended while it waited. */
    RELIEVED,
    /** The maximum wait ran out and it went ahead under pressure. */
    PROCEEDED_ANYWAY,
    /** Its thread was interrupted; the operation did not run. */
    INTERRUPTED
  }

  /** Told about every wait when it ends, on the waiting thread; must return quickly. */
  @FunctionalInterface
  public interface Listener {
    void waited(Duration waited, Outcome outcome);
  }

  private static final Logger log = LoggerFactory.getLogger(ThrottleGate.class);

  private final ResourceMonitor monitor;
  private final long pollNanos;
  private final long maxWaitNanos;
  private final long firstSampleNanos;
  private final LongSupplier ticker;
  private final Sleeper sleeper;
  private final AtomicInteger waiting = new AtomicInteger();
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
  private long lastTurn = Long.MIN_VALUE;
  private boolean anyTurn;

  /**
   * @param poll how often a waiting operation re-checks (RESOURCE_THROTTLE_POLL_SECONDS), also the
   *     spacing of releases after the maximum wait
   * @param maxWait how long an operation waits before proceeding anyway
   * @param firstSample the longest the first caller waits for the monitor's first sample with a
   *     CPU figure (the second sample, taken 0.5 s after the first); the gate never samples itself
   * @param ticker monotonic nanoseconds
   */
  public ThrottleGate(
      ResourceMonitor monitor,
      Duration poll,
      Duration maxWait,
      Duration firstSample,
      LongSupplier ticker,
      Sleeper sleeper) {
    this.monitor = Objects.requireNonNull(monitor, "monitor");
    this.pollNanos = positive("poll", poll);
    this.maxWaitNanos = positive("maxWait", maxWait);
    this.firstSampleNanos = firstSample.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** Operations waiting in the gate now. */
  public int waiting() {
    return waiting.get();
  }

  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  @Override
  public void awaitCapacity(String operation) throws InterruptedException {
    awaitCapacity(operation, reason -> {});
  }

  @Override
  public boolean wouldWait() {
    try {
      awaitFirstCpuFigure();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return monitor.throttled();
  }

  @Override
  public void awaitCapacity(String operation, Consumer<String> onWait)
      throws InterruptedException {
    awaitFirstCpuFigure();
    if (!monitor.throttled()) {
      return;
    }
    waiting.incrementAndGet();
    long start = ticker.getAsLong();
    Outcome outcome = null;
    try {
      onWait.accept(reason());
      outcome = awaitThrottled(operation) ? Outcome.RELIEVED : Outcome.PROCEEDED_ANYWAY;
    } catch (InterruptedException e) {
      outcome = Outcome.INTERRUPTED;
      throw e;
    } finally {
      waiting.decrementAndGet();
      if (outcome != null) {
        tell(Duration.ofNanos(ticker.getAsLong() - start), outcome);
      }
    }
  }

  private void tell(Duration waited, Outcome outcome) {
    for (Listener l : listeners) {
      try {
        l.waited(waited, outcome);
      } catch (RuntimeException e) {
        log.warn("A throttle gate listener failed ({}); the gate carries on", e.toString());
      }
    }
  }

  /** Why work waits now, for users: the figures above their thresholds. */
  private String reason() {
    ResourceSample s = monitor.latest().map(ResourceMonitor.Reading::sample).orElse(null);
    Thresholds t = monitor.thresholds();
    if (s == null) {
      return "the host is under pressure";
    }
    java.util.List<String> hot = new java.util.ArrayList<>();
    if (s.cpuPercent() > t.cpu()) {
      hot.add("CPU " + ResourceMonitor.pct(s.cpuPercent()) + " (limit " + t.cpu() + "%)");
    }
    if (s.memoryPercent() > t.memory()) {
      hot.add("memory " + ResourceMonitor.pct(s.memoryPercent()) + " (limit " + t.memory() + "%)");
    }
    if (s.diskPercent() > t.disk()) {
      hot.add("disk " + ResourceMonitor.pct(s.diskPercent()) + " (limit " + t.disk() + "%)");
    }
    return "the host is busy: " + (hot.isEmpty() ? "still recovering from high usage"
        : String.join(", ", hot)) + "; it goes on when usage falls, within "
        + Duration.ofNanos(maxWaitNanos).toSeconds() + " s at most";
  }

  private void awaitFirstCpuFigure() throws InterruptedException {
    if (monitor.running() && monitor.attempts() < 2 && !cpuKnown()) {
      // CPU is a rate, so the first sample has none: deciding on it would let work onto a host
      // whose CPU is saturated; the second sample follows within half a second
      monitor.awaitAttempts(2, Duration.ofNanos(firstSampleNanos));
    }
  }

  private boolean cpuKnown() {
    return monitor.latest().map(r -> !Double.isNaN(r.sample().cpuPercent())).orElse(false);
  }

  /** Waits out the pressure; true when it ended, false when the operation proceeds anyway. */
  private boolean awaitThrottled(String operation) throws InterruptedException {
    ResourceSample s = monitor.latest().map(ResourceMonitor.Reading::sample).orElse(null);
    log.warn("Throttling {} due to high resource usage (CPU: {}, Memory: {})", operation,
        s == null ? "n/a" : ResourceMonitor.pct(s.cpuPercent()),
        s == null ? "n/a" : ResourceMonitor.pct(s.memoryPercent()));
    long deadline = ticker.getAsLong() + maxWaitNanos;
    if (pausedUntilRelieved(deadline, operation)) {
      return true;
    }
    long turn = nextTurn(ticker.getAsLong());
    if (pausedUntilRelieved(turn, operation)) {
      return true;
    }
    log.warn("Resource usage still high after {}s, proceeding with {} anyway",
        Duration.ofNanos(maxWaitNanos).toSeconds(), operation);
    return false;
  }

  /**
   * Pauses in poll-sized steps until {@code until}; true (and the resuming line) as soon as a check
   * finds the host no longer throttled.
   */
  private boolean pausedUntilRelieved(long until, String operation) throws InterruptedException {
    long now = ticker.getAsLong();
    while (now - until < 0) {
      sleeper.sleep(Duration.ofNanos(Math.min(pollNanos, until - now)));
      if (!monitor.throttled()) {
        log.info("Resources back to normal, resuming {}", operation);
        return true;
      }
      now = ticker.getAsLong();
    }
    return false;
  }

  /** The release time of a waiter whose maximum wait ran out at {@code now}: one per poll interval. */
  private synchronized long nextTurn(long now) {
    long turn = anyTurn && lastTurn + pollNanos - now > 0 ? lastTurn + pollNanos : now;
    lastTurn = turn;
    anyTurn = true;
    return turn;
  }

  private static long positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration: " + d);
    }
    return d.toNanos();
  }
}
