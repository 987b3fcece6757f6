package io.scoutbot.resource;

/**
 * Throttling with hysteresis: throttling starts when most of the last {@link #WINDOW} samples are
 * hot, and ends only after {@link #CALM_RUN} calm samples in a row ({@link Thresholds}). One spike
 * among normal samples (or one dip among hot ones) never flips the state, and a real change is acted
 * on by the second sample that shows it. Readings that alternate between hot and calm keep the host
 * throttled instead of flipping it every sample (each release would let every waiter go at once, the
 * stampede the gate exists to prevent). With fewer samples than the window (just after start) the
 * majority of those taken decides, so the first reading of a host already under pressure throttles
 * at once. Not thread-safe: owned by the monitor's sampler.
 */
final class PressureWindow {

  /** Samples considered; with 3 the decision needs 2 agreeing samples, i.e. ≤ 2 sample intervals. */
  static final int WINDOW = 3;

  /** Calm samples in a row that end throttling. */
  static final int CALM_RUN = 2;

  /** What a new sample did to the state. */
  enum Transition {
    NONE,
    THROTTLED,
    RELIEVED
  }

  private final Thresholds thresholds;
  private final boolean[] hot = new boolean[WINDOW];
  private int calmRun;
  private boolean seenAny;
  private int count;
  private int next;
  private boolean throttled;

  PressureWindow(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  Transition add(ResourceSample sample) {
    boolean isHot = thresholds.hot(sample);
    boolean first = !seenAny;
    seenAny = true;
    if (first && !isHot && Double.isNaN(sample.cpuPercent())) {
      // a probe's first sample has no CPU figure (a rate needs two readings): it is no evidence of
      // calm, and counting it would make the first real reading of a saturated CPU a minority
      return Transition.NONE;
    }
    hot[next] = isHot;
    calmRun = thresholds.calm(sample) ? calmRun + 1 : 0;
    next = (next + 1) % WINDOW;
    count = Math.min(count + 1, WINDOW);
    int hotCount = 0;
    for (int i = 0; i < count; i++) {
      hotCount += hot[i] ? 1 : 0;
    }
    if (!throttled && hotCount >= count / 2 + 1) {
      throttled = true;
      return Transition.THROTTLED;
    }
    if (throttled && calmRun >= CALM_RUN) {
      throttled = false;
      return Transition.RELIEVED;
    }
    return Transition.NONE;
  }

  boolean throttled() {
    return throttled;
  }

  /** Forgets all samples: monitoring stopped, so nothing is known about pressure any more. */
  void reset() {
    count = 0;
    next = 0;
    calmRun = 0;
    seenAny = false;
    throttled = false;
  }
}
