package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.scoutbot.testing.FakeResourceProbe;
import io.scoutbot.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The small contracts of {@link Gate} and {@link GcPolicy}, run against every implementation. */
class PortContractsTest {

  /** A gate lets work through at once when the host is not under pressure. */
  abstract static class GateContract {
    final AtomicInteger pauses = new AtomicInteger();
    final Sleeper counting = nanos -> pauses.incrementAndGet();

    abstract Gate calmGate();

    @Test
    void calmHost_letsWorkThroughWithoutPausing() throws InterruptedException {
      calmGate().awaitCapacity("upload");

      assertThat(pauses).hasValue(0);
    }
  }

  @Nested
  class OpenGate extends GateContract {
    @Override
    Gate calmGate() {
      return Gate.open();
    }
  }

  @Nested
  class ThrottleGateOnCalmHost extends GateContract {
    @Override
    Gate calmGate() {
      ManualClock clock = new ManualClock();
      ResourceMonitor monitor =
          new ResourceMonitor(new FakeResourceProbe().set(30, 40), Configs.defaults(), clock, clock);
      monitor.sampleOnce();
      return new ThrottleGate(monitor, Duration.ofSeconds(5), Duration.ofSeconds(300),
          Duration.ofSeconds(2), clock, counting);
    }
  }

  /** A GC policy returns at once and never throws, whatever the path. */
  abstract static class GcPolicyContract {
    abstract GcPolicy policy();

    @Test
    void afterUpload_returnsAtOnce_forEveryPath() {
      GcPolicy p = policy();

      assertThatCode(() -> {
            for (String path : new String[] {"pentaract", "telegram", "queue", "local"}) {
              p.afterUpload(path);
            }
          })
          .doesNotThrowAnyException();
    }
  }

  @Nested
  class NoGc extends GcPolicyContract {
    @Override
    GcPolicy policy() {
      return GcPolicy.none();
    }
  }

  @Nested
  class Coalescing extends GcPolicyContract {
    @Override
    GcPolicy policy() {
      CoalescingGc.Timer never =
          new CoalescingGc.Timer() {
            @Override
            public void schedule(Runnable task, long delayNanos) {}

            @Override
            public void shutdown() {}
          };
      return new CoalescingGc(true, Duration.ofSeconds(2), System::nanoTime, never,
          CoalescingGc.Heap.jvm());
    }
  }
}
