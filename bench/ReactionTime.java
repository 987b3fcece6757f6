import io.scoutbot.config.ResourceConfig;
import io.scoutbot.resource.ResourceMonitor;
import io.scoutbot.resource.ResourceProbe;
import io.scoutbot.resource.ResourceSample;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark helper for bench/throttle_reaction.sh: how long after memory pressure appears (or goes)
 * the real monitor, on the real probe and its default 2 s sampling, flips the gate's state.
 * Pressure is real: BALLAST_MIB of off-heap memory allocated and touched in this process. The memory
 * threshold is set halfway into the ballast above the measured baseline, so the ballast crosses it
 * and freeing it falls below threshold minus margin. Each round starts at a random phase of the
 * sampling interval. Prints per round: "close_s open_s" (tab-separated), then "interval_s N".
 * Usage: java -cp target/scoutbot.jar bench/ReactionTime.java ROUNDS BALLAST_MIB
 */
public class ReactionTime {
  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    long ballast = Long.parseLong(args[1]) << 20;
    Path dir = Files.createTempDirectory("scoutbot-reaction");
    ResourceProbe probe = ResourceProbe.system(dir);
    probe.sample();
    Thread.sleep(200);
    ResourceSample base = probe.sample();
    double share = ballast * 100.0 / base.memoryLimitBytes();
    double threshold = base.memoryPercent() + share / 2;
    Duration interval = Duration.ofSeconds(2);
    ResourceConfig rc = new ResourceConfig(true, Duration.ofMinutes(10), 100, threshold, 100,
        share / 4, 500L << 20, 1 << 20, false, interval, 10L << 20, Duration.ofSeconds(300),
        Duration.ofSeconds(5), 0);
    ResourceMonitor monitor =
        new ResourceMonitor(probe, rc, InstantSource.system(), System::nanoTime);
    AtomicLong flippedAt = new AtomicLong();
    Object lock = new Object();
    boolean[] last = {false};
    monitor.addListener((throttled, calm) -> {
      synchronized (lock) {
        if (throttled != last[0]) {
          last[0] = throttled;
          flippedAt.set(System.nanoTime());
          lock.notifyAll();
        }
      }
    });
    System.err.printf("limit %d MiB (%s), baseline %.1f %%, ballast %.1f %%, threshold %.1f %%%n",
        base.memoryLimitBytes() >> 20, base.memorySource(), base.memoryPercent(), share, threshold);
    monitor.start();
    monitor.awaitAttempts(3, Duration.ofSeconds(30));
    int done = 0;
    while (done < rounds) {
      Thread.sleep(ThreadLocalRandom.current().nextLong(interval.toMillis()) + 100);
      if (monitor.throttled()) {
        System.err.println("throttled before the ballast (background load); round skipped");
        waitFor(lock, last, false, 60);
        continue;
      }
      long closeNanos;
      long openNanos;
      try (Arena arena = Arena.ofShared()) {
        MemorySegment seg = arena.allocate(ballast, 4096);
        seg.fill((byte) 1); // touch every page: resident now
        long t0 = System.nanoTime();
        if (!waitFor(lock, last, true, 60)) {
          System.err.println("the ballast did not throttle within 60 s; round skipped");
          continue;
        }
        closeNanos = flippedAt.get() - t0;
      }
      long t1 = System.nanoTime(); // the arena is closed: the ballast went back to the OS
      if (!waitFor(lock, last, false, 60)) {
        System.err.println("pressure did not end within 60 s");
        break;
      }
      openNanos = flippedAt.get() - t1;
      System.out.printf("%.3f\t%.3f%n", closeNanos / 1e9, openNanos / 1e9);
      done++;
    }
    monitor.stop();
    System.out.printf("interval %d%n", interval.toSeconds());
  }

  private static boolean waitFor(Object lock, boolean[] state, boolean want, int seconds)
      throws InterruptedException {
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    synchronized (lock) {
      while (state[0] != want) {
        long left = (until - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        lock.wait(left);
      }
    }
    return true;
  }
}
