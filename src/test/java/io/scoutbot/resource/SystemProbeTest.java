package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.scoutbot.testing.ManualClock;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemProbeTest {

  private static final long MIB = 1024 * 1024;

  @TempDir Path tmp;
  private final ManualClock clock = new ManualClock();

  private SystemProbe probe(Path root) {
    return new SystemProbe(root, tmp, clock, () -> 2, ManagementFactory.getOperatingSystemMXBean(),
        ManagementFactory.getMemoryMXBean());
  }

  @Test
  void containerWithMemoryLimit_reportsTheLimitAndWorkingSet_notHostMemory() {
    ResourceSample s = probe(Fixtures.root("v2-limited")).sample();

    assertThat(s.memorySource()).isEqualTo(LimitSource.CGROUP_V2);
    assertThat(s.limitsSource()).isEqualTo(LimitSource.CGROUP_V2);
    assertThat(s.memoryLimitBytes()).isEqualTo(512 * MIB);
    assertThat(s.memoryUsedBytes()).isEqualTo(200 * MIB); // 300 MiB usage - 100 MiB inactive cache
    assertThat(s.memoryPercent()).isCloseTo(39.06, within(0.01));
  }

  @Test
  void v1ContainerLimit_isReported() {
    ResourceSample s = probe(Fixtures.root("v1-limited")).sample();

    assertThat(s.memorySource()).isEqualTo(LimitSource.CGROUP_V1);
    assertThat(s.memoryLimitBytes()).isEqualTo(1024 * MIB);
    assertThat(s.cpuSource()).isEqualTo(LimitSource.CGROUP_V1);
    assertThat(s.cpuCores()).isEqualTo(0.75);
  }

  @Test
  void noLimit_reportsHostMemoryFromMeminfo() {
    for (String fixture : new String[] {"none", "v2-max", "v1-unlimited"}) {
      ResourceSample s = probe(Fixtures.root(fixture)).sample();

      assertThat(s.memorySource()).as(fixture).isEqualTo(LimitSource.HOST);
      assertThat(s.limitsSource()).as(fixture).isEqualTo(LimitSource.HOST);
      assertThat(s.memoryLimitBytes()).as(fixture).isEqualTo(8_000_000L * 1024);
      assertThat(s.memoryUsedBytes()).as(fixture).isEqualTo(2_000_000L * 1024); // total - available
    }
  }

  @Test
  void limitAboveHostMemory_isIgnored_hostFiguresWin() throws IOException {
    Path root = Fixtures.copy("v2-limited", tmp);
    Files.writeString(root.resolve("sys/fs/cgroup/memory.max"), Long.toString(64L << 30));

    ResourceSample s = probe(root).sample();

    assertThat(s.memorySource()).isEqualTo(LimitSource.HOST);
  }

  @Test
  void cpuUnderQuota_isMeasuredAgainstTheQuota_betweenTwoReadings() throws IOException {
    Path root = Fixtures.copy("v2-limited", tmp);
    SystemProbe probe = probe(root);

    ResourceSample first = probe.sample();
    // 0.75 CPU-seconds in 1 s against a 1.5-core quota = 50 %
    Files.writeString(root.resolve("sys/fs/cgroup/cpu.stat"), "usage_usec 7750000\n");
    clock.advance(Duration.ofSeconds(1));
    ResourceSample second = probe.sample();

    assertThat(first.cpuPercent()).isNaN();
    assertThat(second.cpuSource()).isEqualTo(LimitSource.CGROUP_V2);
    assertThat(second.cpuCores()).isEqualTo(1.5);
    assertThat(second.cpuPercent()).isCloseTo(50.0, within(0.001));
  }

  @Test
  void sliceNearItsLimit_isWhatTheProbeReports_notTheServicesOwnSmallShare() throws IOException {
    Path root = Fixtures.copy("v2-busy-slice", tmp);
    Path slice = root.resolve("sys/fs/cgroup/bots.slice");
    SystemProbe probe = probe(root);

    probe.sample();
    // the service used 0.05 CPU-seconds in 1 s, its neighbours 0.45: the 0.5-core slice is full
    Files.writeString(slice.resolve("scoutbot.service/cpu.stat"), "usage_usec 2050000\n");
    Files.writeString(slice.resolve("cpu.stat"), "usage_usec 50500000\n");
    clock.advance(Duration.ofSeconds(1));
    ResourceSample s = probe.sample();

    assertThat(s.memoryLimitBytes()).isEqualTo(1024 * MIB);
    assertThat(s.memoryUsedBytes()).isEqualTo(914 * MIB);
    assertThat(s.memoryPercent()).isCloseTo(89.26, within(0.01));
    assertThat(s.cpuCores()).isEqualTo(0.5);
    assertThat(s.cpuPercent()).isCloseTo(100.0, within(0.001));
  }

  @Test
  void aParentLimitAboveHostRam_limitsNothing_andDoesNotHideTheServicesOwnLimit()
      throws IOException {
    Path root = Fixtures.copy("v2-busy-slice", tmp);
    Path slice = root.resolve("sys/fs/cgroup/bots.slice");
    // the slice's "limit" is more than the host has, and its usage is closest to it
    Files.writeString(slice.resolve("memory.max"), Long.toString(1L << 40));
    Files.writeString(slice.resolve("memory.current"), Long.toString((1L << 40) - (1L << 30)));
    Files.writeString(slice.resolve("scoutbot.service/memory.max"), Long.toString(512 * MIB));

    ResourceSample s = probe(root).sample();

    assertThat(s.memorySource()).isEqualTo(LimitSource.CGROUP_V2);
    assertThat(s.memoryLimitBytes()).isEqualTo(512 * MIB);
    assertThat(s.memoryUsedBytes()).isEqualTo(100 * MIB);
  }

  @Test
  void v1CpuUnderQuota_usesCpuacctUsage() throws IOException {
    Path root = Fixtures.copy("v1-limited", tmp);
    SystemProbe probe = probe(root);

    probe.sample();
    // 1.5 CPU-seconds in 2 s against 0.75 cores = 100 %
    Files.writeString(root.resolve("sys/fs/cgroup/cpu,cpuacct/cpuacct.usage"), "4500000000\n");
    clock.advance(Duration.ofSeconds(2));

    assertThat(probe.sample().cpuPercent()).isCloseTo(100.0, within(0.001));
  }

  @Test
  void noQuota_measuresHostCpuFromProcStat() throws IOException {
    Path root = Fixtures.copy("v1-unlimited", tmp);
    SystemProbe probe = probe(root);

    probe.sample();
    // +300 busy ticks (user 200, system 100), +100 idle ticks: 75 %
    Files.writeString(root.resolve("proc/stat"),
        "cpu  1200 0 600 8100 500 0 0 0 0 0\ncpu0 1 1 1 1 1 0 0 0 0 0\ncpu1 1 1 1 1 1 0 0 0 0 0\n");
    clock.advance(Duration.ofSeconds(2));
    ResourceSample s = probe.sample();

    assertThat(s.cpuSource()).isEqualTo(LimitSource.HOST);
    assertThat(s.cpuCores()).isEqualTo(2.0);
    assertThat(s.cpuPercent()).isCloseTo(75.0, within(0.001));
  }

  @Test
  void readsRssFromProcSelfStatus_andHeapFromTheJvm() {
    ResourceSample s = probe(Fixtures.root("none")).sample();

    assertThat(s.rssBytes()).isEqualTo(204_800L * 1024);
    assertThat(s.heapUsedBytes()).isPositive();
    assertThat(s.heapCommittedBytes()).isGreaterThanOrEqualTo(s.heapUsedBytes());
    assertThat(s.heapMaxBytes()).isGreaterThanOrEqualTo(s.heapCommittedBytes());
  }

  @Test
  void disk_isTheFilesystemHoldingDataDir_evenBeforeItExists() {
    SystemProbe probe =
        new SystemProbe(Fixtures.root("none"), tmp.resolve("not/yet/created"), clock, () -> 2,
            ManagementFactory.getOperatingSystemMXBean(), ManagementFactory.getMemoryMXBean());

    ResourceSample s = probe.sample();

    assertThat(s.diskTotalBytes()).isPositive();
    assertThat(s.diskUsedBytes()).isBetween(0L, s.diskTotalBytes());
  }

  @Test
  void diskPercent_isDfsUsePercent_soBlocksReservedForRootDoNotHideAFullDisk() throws Exception {
    Process df = new ProcessBuilder("df", "-P", "-B1", tmp.toString()).start();
    String[] row = new String(df.getInputStream().readAllBytes()).strip().split("\n")[1]
        .trim().split("\\s+");
    Assumptions.assumeTrue(df.waitFor() == 0, "df is not available here");
    double dfPercent = 100.0 * Long.parseLong(row[2]) / (Long.parseLong(row[2])
        + Long.parseLong(row[3]));

    ResourceSample s = probe(Fixtures.root("none")).sample();

    // other processes write meanwhile: a point of slack, far below the root reserve (5 % and up)
    assertThat(s.diskPercent()).isCloseTo(dfPercent, within(1.0));
  }

  @Test
  void unreadableFiles_giveUnknownFigures_notAnException() {
    SystemProbe probe =
        new SystemProbe(tmp.resolve("empty-root"), tmp, clock, () -> 2,
            ManagementFactory.getOperatingSystemMXBean(), ManagementFactory.getMemoryMXBean());

    ResourceSample s = probe.sample();

    assertThat(s.rssBytes()).isEqualTo(-1);
    assertThat(s.memorySource()).isEqualTo(LimitSource.HOST);
    assertThat(s.memoryLimitBytes()).isPositive(); // from the JDK's OperatingSystemMXBean
  }
}
