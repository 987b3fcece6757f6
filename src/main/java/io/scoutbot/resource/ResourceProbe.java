package io.scoutbot.resource;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Reads CPU, memory, disk and heap figures. The port behind which the operating system hides, so the
 * monitor and gate are tested with a fake. Implementations are called from one sampler thread at a
 * time and must return within milliseconds: they read counters, they never wait for CPU use to
 * accumulate (CPU use is computed between two consecutive calls).
 */
@FunctionalInterface
public interface ResourceProbe {

  /**
   * Takes one reading.
   *
   * @throws RuntimeException if nothing could be read; the monitor logs it and keeps its last state
   */
  ResourceSample sample();

  /**
   * The probe of this machine: container (cgroup v2 or v1) limits first, host figures when no limit
   * is set; JDK only, no native code. {@code dataDir} names the filesystem whose disk use is reported
   * (the nearest existing parent is used while it does not exist yet).
   */
  static ResourceProbe system(Path dataDir) {
    return SystemProbe.create(dataDir);
  }

  /**
   * A probe built by {@code factory} at its first reading, not before: the system probe loads the
   * JVM's management beans, which a command that never samples should not pay for.
   */
  static ResourceProbe deferred(Supplier<ResourceProbe> factory) {
    Objects.requireNonNull(factory, "factory");
    return new ResourceProbe() {
      private ResourceProbe probe;

      @Override
      public synchronized ResourceSample sample() {
        if (probe == null) {
          probe = factory.get();
        }
        return probe.sample();
      }
    };
  }
}
