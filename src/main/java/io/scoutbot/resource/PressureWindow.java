package io.scoutbot.resource;

/**
 * Throttling with hysteresis over the last {@link #WINDOW} samples: throttling starts when most
 * samples in the window are hot and ends when most are calm ({@link Thresholds}). One spike among
 * normal samples (or one dip among hot ones) never flips the state, and a real change is acted on by
 * the second sample that shows it. With fewer samples than the window (just after start) the
 * majority of those taken decides, so the first reading of a host already under memory pressure
 * throttles at once. Not thread-safe: owned by the monitor's sampler.
 */
final class PressureWindow {

  /** Samples considered; with 3 the decision needs 2 agreeing samples, i.e. ≤ 2 sample intervals. */
  static final int WINDOW = 3;

  /** What a new sample did to the state. */
  enum Transition {
    NONE,
    THROTTLED,
    RELIEVED
  }

  private final Thresholds thresholds;
  private final boolean[] hot = new boolean[WINDOW];
  private final boolean[] calm = new boolean[WINDOW];
  private int count;
  private int next;
  private boolean throttled;

  PressureWindow(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  Transition add(ResourceSample sample) {
    hot[next] = thresholds.hot(sample);
    calm[next] = thresholds.calm(sample);
    next = (next + 1) % WINDOW;
    count = Math.min(count + 1, WINDOW);
    int hotCount = 0;
    int calmCount = 0;
    for (int i = 0; i < count; i++) {
      hotCount += hot[i] ? 1 : 0;
      calmCount += calm[i] ? 1 : 0;
    }
    int majority = count / 2 + 1;
    if (!throttled && hotCount >= majority) {
      throttled = true;
      return Transition.THROTTLED;
    }
    if (throttled && calmCount >= majority) {
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
    throttled = false;
  }
}
