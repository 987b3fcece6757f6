package io.scoutbot.metrics;

import io.scoutbot.resource.ResourceMonitor;
import io.scoutbot.resource.ResourceSample;
import io.scoutbot.resource.Thresholds;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The last hour of resource readings for the status page's chart, kept in memory only: a ring of
 * fixed time steps (10 s by default), each holding the highest CPU and memory use seen in it, the
 * last disk use, and whether heavy work was throttled at any moment of it. Fed by the monitor's
 * samples (a listener, on the sampler thread); read by the web front end. A few kilobytes whatever
 * the uptime. Thread-safe.
 */
public final class ResourceHistory implements ResourceMonitor.Listener {

  public static final Duration DEFAULT_SPAN = Duration.ofHours(1);
  public static final Duration DEFAULT_STEP = Duration.ofSeconds(10);

  private final ResourceMonitor monitor;
  private final InstantSource clock;
  private final long stepMillis;
  private final int slots;
  // one entry per slot; index[i] says which step the slot holds (Long.MIN_VALUE: none yet)
  private final long[] index;
  private final double[] cpu;
  private final double[] memory;
  private final double[] disk;
  private final boolean[] throttled;

  /**
   * @param span how far back the history reaches
   * @param step the width of one point; samples within one step are folded into it
   */
  public ResourceHistory(ResourceMonitor monitor, InstantSource clock, Duration span,
      Duration step) {
    this.monitor = Objects.requireNonNull(monitor, "monitor");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (step.toMillis() < 1 || span.compareTo(step) < 0) {
      throw new IllegalArgumentException(
          "step must be at least 1 ms and span at least one step: span=" + span + ", step=" + step);
    }
    this.stepMillis = step.toMillis();
    this.slots = (int) Math.min(100_000, (span.toMillis() + stepMillis - 1) / stepMillis);
    this.index = new long[slots];
    Arrays.fill(index, Long.MIN_VALUE);
    this.cpu = new double[slots];
    this.memory = new double[slots];
    this.disk = new double[slots];
    this.throttled = new boolean[slots];
  }

  /** The last hour in 10 s steps, listening to {@code monitor} from now on. */
  public static ResourceHistory lastHour(ResourceMonitor monitor, InstantSource clock) {
    ResourceHistory h = new ResourceHistory(monitor, clock, DEFAULT_SPAN, DEFAULT_STEP);
    monitor.addListener(h);
    return h;
  }

  @Override
  public void onSample(boolean nowThrottled, boolean calm) {
    monitor.latest().ifPresent(this::record);
  }

  /** Folds one reading into the step it belongs to. */
  public synchronized void record(ResourceMonitor.Reading reading) {
    long step = Math.floorDiv(reading.at().toEpochMilli(), stepMillis);
    int slot = (int) Math.floorMod(step, (long) slots);
    if (index[slot] != step) {
      if (index[slot] > step) {
        return; // older than what the slot already holds: outside the span
      }
      index[slot] = step;
      cpu[slot] = Double.NaN;
      memory[slot] = Double.NaN;
      disk[slot] = Double.NaN;
      throttled[slot] = false;
    }
    ResourceSample s = reading.sample();
    cpu[slot] = max(cpu[slot], s.cpuPercent());
    memory[slot] = max(memory[slot], s.memoryPercent());
    if (!Double.isNaN(s.diskPercent())) {
      disk[slot] = s.diskPercent();
    }
    throttled[slot] |= reading.throttled();
  }

  /**
   * The history as JSON-ready columns, oldest first, steps without a sample left out: {@code t} (the
   * step's start, epoch seconds), {@code cpu} and {@code memory} (highest percent in the step, null
   * when unknown), {@code disk} (percent), {@code throttled}; with the thresholds, the step, the span
   * and the server's {@code now} (epoch seconds), so the page needs no clock of its own.
   */
  public Map<String, Object> toMap() {
    long now = clock.millis();
    long last = Math.floorDiv(now, stepMillis);
    List<Long> t = new ArrayList<>();
    List<Double> c = new ArrayList<>();
    List<Double> m = new ArrayList<>();
    List<Double> d = new ArrayList<>();
    List<Boolean> th = new ArrayList<>();
    synchronized (this) {
      for (long step = last - slots + 1; step <= last; step++) {
        int slot = (int) Math.floorMod(step, (long) slots);
        if (index[slot] == step) {
          t.add(step * stepMillis / 1000);
          c.add(round(cpu[slot]));
          m.add(round(memory[slot]));
          d.add(round(disk[slot]));
          th.add(throttled[slot]);
        }
      }
    }
    Thresholds thresholds = monitor.thresholds();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("now", now / 1000.0);
    out.put("step_seconds", stepMillis / 1000.0);
    out.put("span_seconds", slots * stepMillis / 1000.0);
    out.put("cpu_threshold", thresholds.cpu());
    out.put("memory_threshold", thresholds.memory());
    out.put("disk_threshold", thresholds.disk());
    out.put("t", t);
    out.put("cpu", c);
    out.put("memory", m);
    out.put("disk", d);
    out.put("throttled", th);
    return out;
  }

  private static double max(double held, double value) {
    if (Double.isNaN(value)) {
      return held;
    }
    return Double.isNaN(held) ? value : Math.max(held, value);
  }

  private static Double round(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
  }
}
