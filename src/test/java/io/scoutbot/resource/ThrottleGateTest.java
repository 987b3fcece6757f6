package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.scoutbot.testing.FakeResourceProbe;
import io.scoutbot.testing.LogCapture;
import io.scoutbot.testing.ManualClock;
import io.scoutbot.testing.ManualSleeper;
import io.scoutbot.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThrottleGateTest {

  private static final long SECOND = 1_000_000_000L;

  private final ManualClock clock = new ManualClock();
  private final FakeResourceProbe probe = new FakeResourceProbe();
  private final LogCapture logs = LogCapture.of(ThrottleGate.class);
  private final ResourceMonitor monitor =
      new ResourceMonitor(probe, Configs.defaults(), clock, clock);
  private final List<Long> pauses = new ArrayList<>();
  private Runnable afterPause = () -> {};

  /** A sleeper that advances the manual clock by what was asked and records it. */
  private final Sleeper recording =
      d -> {
        pauses.add(d.toNanos());
        clock.advance(d);
        afterPause.run();
      };

  private ThrottleGate gate(Duration maxWait, Duration poll, Sleeper sleeper) {
    return new ThrottleGate(monitor, poll, maxWait, Duration.ofSeconds(2), clock, sleeper);
  }

  @AfterEach
  void tearDown() {
    logs.close();
  }

  // seed 10: test_wait_if_throttled_not_throttled
  @Test
  void notThrottled_returnsAtOnce_withoutPausingOrSampling() throws InterruptedException {
    probe.set(30, 40);
    monitor.sampleOnce();
    int calls = probe.calls();

    gate(Duration.ofSeconds(300), Duration.ofSeconds(5), recording).awaitCapacity("upload");

    assertThat(pauses).isEmpty();
    assertThat(probe.calls()).isEqualTo(calls);
    assertThat(logs.messages()).isEmpty();
  }

  @Test
  void throttled_waitsPollByPoll_thenProceedsAfterMaxWait() throws InterruptedException {
    probe.set(85.3, 82.1);
    monitor.sampleOnce();
    int calls = probe.calls();

    gate(Duration.ofSeconds(300), Duration.ofSeconds(5), recording)
        .awaitCapacity("Pentaract upload");

    assertThat(pauses).hasSize(60).containsOnly(5 * SECOND);
    assertThat(probe.calls()).as("the gate never samples").isEqualTo(calls);
    assertThat(logs.messages(Level.WARN))
        .containsExactly(
            "Throttling Pentaract upload due to high resource usage (CPU: 85.3%, Memory: 82.1%)",
            "Resource usage still high after 300s, proceeding with Pentaract upload anyway");
  }

  @Test
  void listeners_hearOfEveryWait_withItsLengthAndHowItEnded() throws InterruptedException {
    List<String> heard = new ArrayList<>();
    ThrottleGate gate = gate(Duration.ofSeconds(20), Duration.ofSeconds(5), recording);
    gate.addListener((waited, outcome) -> heard.add(outcome + " " + waited.toSeconds() + "s"));
    gate.addListener((waited, outcome) -> {
      throw new IllegalStateException("a broken listener");
    });

    probe.set(30, 40);
    monitor.sampleOnce();
    gate.awaitCapacity("not throttled");
    probe.set(90, 40);
    monitor.sampleOnce();
    monitor.sampleOnce();
    gate.awaitCapacity("gives up");
    afterPause =
        () -> {
          if (pauses.size() == 6) {
            probe.set(30, 40);
            monitor.sampleOnce();
            monitor.sampleOnce();
          }
        };
    gate.awaitCapacity("relieved");

    assertThat(heard).containsExactly("PROCEEDED_ANYWAY 20s", "RELIEVED 10s");
    assertThat(gate.waiting()).isZero();
  }

  @Test
  void listeners_hearOfAnInterruptedWait() throws InterruptedException {
    probe.set(90, 40);
    monitor.sampleOnce();
    ThrottleGate gate =
        gate(Duration.ofSeconds(300), Duration.ofSeconds(5), d -> {
          throw new InterruptedException();
        });
    List<ThrottleGate.Outcome> heard = new ArrayList<>();
    gate.addListener((waited, outcome) -> heard.add(outcome));

    assertThatThrownBy(() -> gate.awaitCapacity("upload"))
        .isInstanceOf(InterruptedException.class);
    assertThat(heard).containsExactly(ThrottleGate.Outcome.INTERRUPTED);
  }

  @Test
  void maxWaitShorterThanPoll_waitsJustTheMaxWait() throws InterruptedException {
    probe.set(30, 85);
    monitor.sampleOnce();

    gate(Duration.ofSeconds(3), Duration.ofSeconds(5), recording).awaitCapacity("upload ABC123");

    assertThat(pauses).containsExactly(3 * SECOND);
    assertThat(logs.messages(Level.WARN))
        .last()
        .isEqualTo("Resource usage still high after 3s, proceeding with upload ABC123 anyway");
  }

  @Test
  void throttled_resumesAtTheFirstCheckAfterPressureEnds() throws InterruptedException {
    probe.set(90, 40);
    monitor.sampleOnce();
    afterPause =
        () -> {
          if (pauses.size() == 3) {
            // the monitor sees calm samples (two, for the hysteresis) while the gate sleeps
            probe.set(30, 40);
            monitor.sampleOnce();
            monitor.sampleOnce();
          }
        };

    gate(Duration.ofSeconds(300), Duration.ofSeconds(5), recording)
        .awaitCapacity("upload queue processing");

    assertThat(pauses).hasSize(3);
    assertThat(logs.messages(Level.INFO))
        .containsExactly("Resources back to normal, resuming upload queue processing");
    assertThat(logs.messages(Level.WARN)).hasSize(1);
  }

  @Test
  void waitersReleasedAfterMaxWait_goOneAtATime_onePollIntervalApart() throws Exception {
    probe.set(90, 40);
    monitor.sampleOnce();
    ManualSleeper sleeper = new ManualSleeper(clock);
    ThrottleGate gate = gate(Duration.ofSeconds(10), Duration.ofSeconds(2), sleeper);
    long start = clock.nanos();
    int n = 4;
    List<Long> released = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String op = "upload " + i;
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          gate.awaitCapacity(op);
          synchronized (released) {
            released.add((clock.nanos() - start) / SECOND);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          sleeper.finished();
        }
      }));
    }

    sleeper.awaitQuiet(n);
    for (int s = 0; s < 30; s++) {
      sleeper.advance(Duration.ofSeconds(1));
      sleeper.awaitQuiet(n);
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }

    // all waited 10 s; then one release per 2 s poll interval, not a stampede at 10 s
    assertThat(released).containsExactly(10L, 12L, 14L, 16L);
    assertThat(logs.messages(Level.WARN).stream()
            .filter(m -> m.startsWith("Resource usage still high after 10s")))
        .hasSize(n);
  }

  @Test
  void waiterForItsTurn_goesAtOnceWhenPressureEnds() throws Exception {
    probe.set(90, 40);
    monitor.sampleOnce();
    ManualSleeper sleeper = new ManualSleeper(clock);
    ThrottleGate gate = gate(Duration.ofSeconds(4), Duration.ofSeconds(2), sleeper);
    List<String> done = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String op = "upload " + i;
      Thread.ofPlatform().start(() -> {
        try {
          gate.awaitCapacity(op);
          synchronized (done) {
            done.add(op);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          sleeper.finished();
        }
      });
    }
    sleeper.awaitQuiet(3);
    for (int s = 0; s < 4; s++) {
      sleeper.advance(Duration.ofSeconds(1));
      sleeper.awaitQuiet(3);
    }
    // at 4 s the first is released, the others wait for their turns (6 s, 8 s); pressure ends
    probe.set(30, 40);
    monitor.sampleOnce();
    monitor.sampleOnce();
    sleeper.advance(Duration.ofSeconds(2));
    sleeper.awaitQuiet(3);

    assertThat(done).hasSize(3);
    assertThat(logs.messages(Level.INFO))
        .hasSize(2)
        .allMatch(m -> m.startsWith("Resources back to normal, resuming upload "));
  }

  @Test
  void interruptedWhileThrottled_throwsInterruptedException_andLeavesTheGate() throws Exception {
    probe.set(90, 40);
    monitor.sampleOnce();
    ManualSleeper sleeper = new ManualSleeper(clock);
    ThrottleGate gate = gate(Duration.ofSeconds(300), Duration.ofSeconds(5), sleeper);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter =
        Thread.ofPlatform().start(() -> {
          try {
            gate.awaitCapacity("upload");
          } catch (Throwable t) {
            thrown.set(t);
          }
        });
    sleeper.awaitQuiet(1);
    assertThat(gate.waiting()).isEqualTo(1);

    waiter.interrupt();
    waiter.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(gate.waiting()).isZero();
    assertThat(sleeper.parked()).isZero();
  }

  @Test
  void interruptedThreadEnteringAThrottledGate_throwsAtOnce() {
    probe.set(90, 40);
    monitor.sampleOnce();
    ThrottleGate gate = gate(Duration.ofSeconds(300), Duration.ofSeconds(5), Sleeper.system());

    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> gate.awaitCapacity("upload"))
          .isInstanceOf(InterruptedException.class);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void monitoringNotRunning_neverWaits() throws InterruptedException {
    // RESOURCE_MONITORING_ENABLED=false: the monitor is never started and never sampled
    gate(Duration.ofSeconds(300), Duration.ofSeconds(5), recording).awaitCapacity("upload");

    assertThat(pauses).isEmpty();
    assertThat(probe.calls()).isZero();
  }

  @Test
  void firstCall_waitsForTheMonitorsFirstSample_soItDecidesOnRealPressure() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ResourceMonitor slow =
        new ResourceMonitor(
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return FakeResourceProbe.sample(30, 95, 30);
            },
            Configs.defaults(), clock, clock);
    ThrottleGate gate =
        new ThrottleGate(slow, Duration.ofSeconds(5), Duration.ofSeconds(3),
            Duration.ofSeconds(30), clock, recording);
    slow.start();
    try {
      // the sample is released only once the caller is seen waiting for it: a gate that decided
      // without the sample would already have passed (nothing known, nothing throttled)
      Thread caller = callerSeenWaiting(gate);
      assertThat(caller.isAlive()).as("the caller waits for the first sample").isTrue();
      release.countDown();
      caller.join(TimeUnit.SECONDS.toMillis(10));
    } finally {
      slow.stop();
    }

    assertThat(logs.messages(Level.WARN))
        .containsExactly(
            "Throttling upload due to high resource usage (CPU: 30.0%, Memory: 95.0%)",
            "Resource usage still high after 3s, proceeding with upload anyway");
  }

  @Test
  void firstSampleWithoutCpuFigure_gateWaitsForTheNext_soABusyCpuThrottlesFromTheStart()
      throws Exception {
    // CPU is a rate: a real probe's first sample has none; the monitor's second follows in 0.5 s
    BlockingQueue<ResourceSample> samples = new LinkedBlockingQueue<>();
    ResourceMonitor fed =
        new ResourceMonitor(
            () -> {
              try {
                return samples.take();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stopped", e);
              }
            },
            Configs.defaults(), clock, clock);
    ThrottleGate gate =
        new ThrottleGate(fed, Duration.ofSeconds(5), Duration.ofSeconds(3),
            Duration.ofSeconds(30), clock, recording);
    samples.add(FakeResourceProbe.sample(Double.NaN, 30, 30));
    fed.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> fed.attempts() == 1);
      Thread caller = callerSeenWaiting(gate);
      assertThat(caller.isAlive()).as("memory alone does not decide").isTrue();
      samples.add(FakeResourceProbe.sample(97, 30, 30));
      caller.join(TimeUnit.SECONDS.toMillis(10));
    } finally {
      samples.add(FakeResourceProbe.sample(10, 30, 30));
      fed.stop();
    }

    assertThat(logs.messages(Level.WARN))
        .containsExactly(
            "Throttling upload due to high resource usage (CPU: 97.0%, Memory: 30.0%)",
            "Resource usage still high after 3s, proceeding with upload anyway");
  }

  /** Starts a thread entering {@code gate}; returns once it waits there (or has passed it). */
  private static Thread callerSeenWaiting(ThrottleGate gate) {
    Thread caller = Thread.ofPlatform().start(() -> {
      try {
        gate.awaitCapacity("upload");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    await().atMost(Duration.ofSeconds(10))
        .until(() -> caller.getState() == Thread.State.TIMED_WAITING || !caller.isAlive());
    return caller;
  }
}
