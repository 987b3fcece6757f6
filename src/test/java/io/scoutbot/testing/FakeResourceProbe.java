package io.scoutbot.testing;

import io.scoutbot.resource.LimitSource;
import io.scoutbot.resource.ResourceProbe;
import io.scoutbot.resource.ResourceSample;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ResourceProbe} whose readings tests set by hand: CPU, memory and disk percentages against
 * a 4 GB container limit and a 200 GB disk (decimal, so percentages are exact). Thread-safe; counts
 * its calls so tests can prove that nobody but the monitor samples.
 */
public final class FakeResourceProbe implements ResourceProbe {

  public static final long MEMORY_LIMIT = 4_000_000_000L;
  public static final long DISK_TOTAL = 200_000_000_000L;

  private final AtomicInteger calls = new AtomicInteger();
  private volatile ResourceSample next = sample(10, 20, 30);
  private volatile RuntimeException failure;

  /** A sample with the given percentages (NaN for unknown CPU). */
  public static ResourceSample sample(double cpu, double memory, double disk) {
    return new ResourceSample(
        cpu, cpu / 2, 2.0, LimitSource.CGROUP_V2, Math.round(memory / 100 * MEMORY_LIMIT),
        MEMORY_LIMIT, LimitSource.CGROUP_V2, Math.round(disk / 100 * DISK_TOTAL), DISK_TOTAL,
        64L << 20, 128L << 20, 256L << 20, 300L << 20);
  }

  /** Next readings: CPU and memory in percent, disk at 30 %. */
  public FakeResourceProbe set(double cpu, double memory) {
    return set(cpu, memory, 30);
  }

  public FakeResourceProbe set(double cpu, double memory, double disk) {
    return set(sample(cpu, memory, disk));
  }

  public FakeResourceProbe set(ResourceSample sample) {
    this.next = sample;
    this.failure = null;
    return this;
  }

  /** Every call fails with {@code e} until the next {@code set}. */
  public FakeResourceProbe failWith(RuntimeException e) {
    this.failure = e;
    return this;
  }

  public int calls() {
    return calls.get();
  }

  @Override
  public ResourceSample sample() {
    calls.incrementAndGet();
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
    return next;
  }
}
