package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.scoutbot.testing.FakeResourceProbe;
import io.scoutbot.testing.LogCapture;
import io.scoutbot.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResourceMonitorTest {

  private final ManualClock clock = new ManualClock();
  private final FakeResourceProbe probe = new FakeResourceProbe();
  private final LogCapture logs = LogCapture.of(ResourceMonitor.class);
  private final ResourceMonitor monitor =
      new ResourceMonitor(probe, Configs.defaults(), clock, clock);

  @AfterEach
  void tearDown() {
    monitor.stop();
    logs.close();
  }

  // seed 1: test_service_initialization
  @Test
  void newMonitor_isNotRunning_notThrottled_andHasNoFigures() {
    assertThat(monitor.running()).isFalse();
    assertThat(monitor.throttled()).isFalse();
    assertThat(monitor.latest()).isEmpty();
    assertThat(probe.calls()).isZero();
  }

  // seed 2: test_get_cpu_usage
  @Test
  void sampleOnce_keepsTheCpuFigure() {
    probe.set(45.5, 40);

    monitor.sampleOnce();

    assertThat(monitor.latest().orElseThrow().sample().cpuPercent()).isEqualTo(45.5);
  }

  // seed 3: test_get_memory_usage
  @Test
  void sampleOnce_keepsTheMemoryFigure() {
    probe.set(30, 60.2);

    monitor.sampleOnce();

    assertThat(monitor.latest().orElseThrow().sample().memoryPercent()).isEqualTo(60.2);
  }

  // seeds 4 and 6: test_is_throttled_false, test_update_resource_usage_normal
  @Test
  void sampleOnce_normalUsage_keepsFigures_andDoesNotThrottle() {
    probe.set(30, 40);

    monitor.sampleOnce();

    ResourceMonitor.Reading r = monitor.latest().orElseThrow();
    assertThat(r.sample().cpuPercent()).isEqualTo(30.0);
    assertThat(r.sample().memoryPercent()).isEqualTo(40.0);
    assertThat(r.at()).isEqualTo(clock.instant());
    assertThat(monitor.throttled()).isFalse();
    assertThat(r.throttled()).isFalse();
  }

  // seeds 5 and 7: test_is_throttled_true, test_update_resource_usage_high_cpu
  @Test
  void sampleOnce_highCpu_throttles() {
    probe.set(85, 40);

    monitor.sampleOnce();

    assertThat(monitor.throttled()).isTrue();
    assertThat(monitor.latest().orElseThrow().throttled()).isTrue();
  }

  // seed 8: test_update_resource_usage_high_memory
  @Test
  void sampleOnce_highMemory_throttles() {
    probe.set(30, 85);

    monitor.sampleOnce();

    assertThat(monitor.throttled()).isTrue();
  }

  @Test
  void sampleOnce_highDisk_throttles_andSaysWhy() {
    probe.set(30, 40, 95);

    monitor.sampleOnce();

    assertThat(monitor.throttled()).isTrue();
    assertThat(logs.messages(Level.WARN))
        .anyMatch(m -> m.startsWith("Disk usage of the filesystem holding DATA_DIR is 95.0%"));
  }

  @Test
  void transitions_logTheSeedsLinesVerbatim() {
    probe.set(85.3, 82.1);
    monitor.sampleOnce();
    probe.set(45.2, 60.5);
    monitor.sampleOnce();
    monitor.sampleOnce();

    assertThat(logs.messages(Level.WARN))
        .containsExactly(
            "Resource usage exceeded thresholds - throttling enabled (CPU: 85.3%, Memory: 82.1%)");
    assertThat(logs.messages(Level.INFO))
        .containsExactly(
            "Resource usage back to normal - throttling disabled (CPU: 45.2%, Memory: 60.5%)");
  }

  @Test
  void oneSpike_afterNormalSamples_doesNotThrottle() {
    probe.set(30, 40);
    monitor.sampleOnce();
    monitor.sampleOnce();
    probe.set(99, 40);
    monitor.sampleOnce();
    probe.set(30, 40);
    monitor.sampleOnce();

    assertThat(monitor.throttled()).isFalse();
    assertThat(logs.messages(Level.WARN)).isEmpty();
  }

  @Test
  void metricsLine_everyMonitoringInterval_inTheSeedsFormat() {
    probe.set(45.2, 62.3, 35.1);

    monitor.sampleOnce();
    clock.advance(Duration.ofMinutes(9));
    monitor.sampleOnce();
    assertThat(logs.messages(Level.INFO)).isEmpty();

    clock.advance(Duration.ofMinutes(1));
    monitor.sampleOnce();
    clock.advance(Duration.ofMinutes(5));
    monitor.sampleOnce();

    assertThat(logs.messages(Level.INFO))
        .containsExactly(
            "Resource metrics - CPU: 45.2%, Memory: 62.3% (2.32GB / 3.73GB), Disk: 35.1% "
                + "(65.38GB / 186.26GB)");
  }

  @Test
  void failingSample_isLoggedOnce_keepsTheLastState_andSamplingGoesOn() {
    probe.set(85, 40);
    monitor.sampleOnce();
    probe.failWith(new IllegalStateException("cgroup files vanished"));

    monitor.sampleOnce();
    monitor.sampleOnce();

    assertThat(monitor.throttled()).isTrue();
    assertThat(monitor.latest().orElseThrow().sample().cpuPercent()).isEqualTo(85.0);
    assertThat(monitor.failures()).isEqualTo(2);
    assertThat(logs.messages(Level.ERROR))
        .containsExactly("Failed to update resource usage: java.lang.IllegalStateException: "
            + "cgroup files vanished; keeping the last state and trying again in 2s");

    probe.set(30, 40);
    monitor.sampleOnce();
    assertThat(logs.messages(Level.INFO)).contains("Resource sampling works again");
  }

  @Test
  void listeners_hearEverySample_andAFailingListenerDoesNotStopTheMonitor() {
    List<String> heard = new ArrayList<>();
    monitor.addListener((throttled, calm) -> {
      throw new IllegalStateException("broken listener");
    });
    monitor.addListener((throttled, calm) -> heard.add(throttled + "/" + calm));

    probe.set(85, 40);
    monitor.sampleOnce();
    probe.set(75, 40);
    monitor.sampleOnce();
    probe.set(30, 40);
    monitor.sampleOnce();

    assertThat(heard).containsExactly("true/false", "true/false", "true/true");
  }

  // seeds 11 and 12: test_start_service, test_stop_service
  @Test
  void start_samplesOnANamedBackgroundThread_andStopEndsIt() throws InterruptedException {
    CountDownLatch sampled = new CountDownLatch(1);
    AtomicReference<String> thread = new AtomicReference<>();
    ResourceMonitor m =
        new ResourceMonitor(
            () -> {
              thread.set(Thread.currentThread().getName());
              sampled.countDown();
              return FakeResourceProbe.sample(30, 40, 30);
            },
            Configs.defaults(), clock, clock);

    m.start();
    assertThat(m.running()).isTrue();
    assertThat(sampled.await(10, TimeUnit.SECONDS)).isTrue();
    m.stop();

    assertThat(thread.get()).isEqualTo("scoutbot-resource-monitor");
    assertThat(m.running()).isFalse();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("scoutbot-resource-monitor"));
    assertThat(logs.messages(Level.INFO))
        .anyMatch(l -> l.startsWith("✅ Resource monitoring service started"))
        .contains("✅ Resource monitoring service stopped");
  }

  @Test
  void start_twice_warnsAndKeepsOneSampler() {
    monitor.start();
    monitor.start();

    assertThat(logs.messages(Level.WARN))
        .containsExactly("Resource monitoring service is already running");
    assertThat(Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("scoutbot-resource-monitor")))
        .hasSize(1);
  }

  @Test
  void stop_whenNotRunning_isANoOp() {
    monitor.stop();

    assertThat(logs.messages()).isEmpty();
  }

  @Test
  void stop_forgetsThrottling() {
    monitor.start();
    probe.set(85, 40);
    monitor.sampleOnce();

    monitor.stop();

    assertThat(monitor.throttled()).isFalse();
  }

  @Test
  void awaitAttempts_waitsForTheSamplerWithoutSamplingItself() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    List<String> samplers = new ArrayList<>();
    ResourceMonitor m =
        new ResourceMonitor(
            () -> {
              synchronized (samplers) {
                samplers.add(Thread.currentThread().getName());
              }
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return FakeResourceProbe.sample(30, 40, 30);
            },
            Configs.defaults(), clock, clock);
    m.start();
    try {
      assertThat(m.awaitAttempts(1, Duration.ofMillis(50))).isFalse();
      release.countDown();
      assertThat(m.awaitAttempts(1, Duration.ofSeconds(10))).isTrue();
    } finally {
      m.stop();
    }

    synchronized (samplers) {
      assertThat(samplers).containsOnly("scoutbot-resource-monitor");
    }
  }

  @Test
  void loop_survivesAStrayInterrupt_andKeepsSampling() throws InterruptedException {
    monitor.start();
    try {
      assertThat(monitor.awaitAttempts(1, Duration.ofSeconds(10))).isTrue();
      Thread sampler = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("scoutbot-resource-monitor")).findFirst().orElseThrow();

      sampler.interrupt();

      // a dead sampler would freeze the state: a throttled host would stay throttled for ever
      assertThat(monitor.awaitAttempts(2, Duration.ofSeconds(10))).isTrue();
      assertThat(sampler.isAlive()).isTrue();
      assertThat(logs.messages(Level.WARN))
          .contains("The resource sampler was interrupted; it keeps running until stopped");
    } finally {
      monitor.stop();
    }
  }

  @Test
  void restartWhileTheOldSamplerIsStuckInAProbe_leavesOneSampler() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    ResourceMonitor m =
        new ResourceMonitor(
            () -> {
              if (calls.incrementAndGet() == 1) {
                try {
                  stuck.await(); // a probe hanging on a slow filesystem
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return FakeResourceProbe.sample(30, 40, 30);
            },
            Configs.defaults(), clock, clock);
    m.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
    m.stop(); // gives up joining after a second: the old sampler is still in the probe
    m.start();
    stuck.countDown();
    try {
      assertThat(m.awaitAttempts(2, Duration.ofSeconds(10))).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet()
          .stream().filter(t -> t.getName().equals("scoutbot-resource-monitor")).count() == 1);
    } finally {
      m.stop();
    }
  }

  @Test
  void loop_survivesAFailingSample_andSamplesAgain() throws InterruptedException {
    CountDownLatch twice = new CountDownLatch(2);
    ResourceMonitor m =
        new ResourceMonitor(
            () -> {
              twice.countDown();
              if (twice.getCount() == 1) {
                throw new IllegalStateException("first sample fails");
              }
              return FakeResourceProbe.sample(30, 40, 30);
            },
            Configs.defaults(), clock, clock);
    m.start();
    try {
      // the retry comes after the 0.5 s warm-up delay: the loop did not die
      assertThat(twice.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(m.awaitAttempts(2, Duration.ofSeconds(10))).isTrue();
    } finally {
      m.stop();
    }
    assertThat(m.failures()).isEqualTo(1);
    assertThat(m.latest()).isPresent();
  }
}
