package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupsTest {

  private static final long MIB = 1024 * 1024;

  /**
   * fixture, memory version, cpu version, memory limit (-1 none), memory in use against it (-1: no
   * limit, nothing judged), CPU cores (NaN none), CPU usage in ns (-1 unknown).
   */
  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("v2-limited", LimitSource.CGROUP_V2, LimitSource.CGROUP_V2, 512 * MIB,
            200 * MIB, 1.5, 7_000_000_000L),
        Arguments.of("v2-max", LimitSource.CGROUP_V2, LimitSource.CGROUP_V2, -1L, -1L,
            Double.NaN, 1_000_000_000L),
        Arguments.of("v2-parent-limit", LimitSource.CGROUP_V2, LimitSource.CGROUP_V2, 1024 * MIB,
            100 * MIB, 0.5, 2_000_000_000L),
        Arguments.of("v2-busy-slice", LimitSource.CGROUP_V2, LimitSource.CGROUP_V2, 1024 * MIB,
            914 * MIB, 0.5, 2_000_000_000L),
        Arguments.of("v1-limited", LimitSource.CGROUP_V1, LimitSource.CGROUP_V1, 1024 * MIB,
            500 * MIB, 0.75, 3_000_000_000L),
        Arguments.of("v1-unlimited", LimitSource.CGROUP_V1, LimitSource.CGROUP_V1, -1L, -1L,
            Double.NaN, 374596182661L),
        Arguments.of("v1-nested-limit", LimitSource.CGROUP_V1, LimitSource.CGROUP_V1, 512 * MIB,
            100 * MIB, Double.NaN, 1000L),
        Arguments.of("none", LimitSource.HOST, LimitSource.HOST, -1L, -1L, Double.NaN, -1L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void detect_readsLimitsAndUsage(
      String fixture,
      LimitSource memoryVersion,
      LimitSource cpuVersion,
      long memoryLimit,
      long used,
      double cores,
      long cpuUsage) {
    Cgroups cg = Cgroups.detect(Fixtures.root(fixture));

    assertThat(cg.memoryVersion()).isEqualTo(memoryVersion);
    assertThat(cg.cpuVersion()).isEqualTo(cpuVersion);
    assertThat(cg.memoryUnderLimit(Long.MAX_VALUE).map(Cgroups.MemoryUse::limit).orElse(-1L))
        .isEqualTo(memoryLimit);
    assertThat(cg.memoryUnderLimit(Long.MAX_VALUE).map(Cgroups.MemoryUse::used).orElse(-1L))
        .isEqualTo(used);
    assertThat(cg.cpuQuotas().stream().mapToDouble(Cgroups.CpuQuota::cores).min())
        .isEqualTo(Double.isNaN(cores) ? OptionalDouble.empty() : OptionalDouble.of(cores));
    assertThat(cg.cpuUsageNanos())
        .isEqualTo(cpuUsage < 0 ? OptionalLong.empty() : OptionalLong.of(cpuUsage));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void detect_findsTheProcessDirectoryUnderItsMountPoint(String fixture) {
    Cgroups cg = Cgroups.detect(Fixtures.root(fixture));

    if (cg.memoryController() != null) {
      assertThat(cg.memoryController().dir()).startsWith(cg.memoryController().mountPoint());
      assertThat(cg.memoryController().dir()).isDirectory();
    }
  }

  /** fixture, directory (relative to the memory mount) of the binding cgroup, used, limit. */
  static Stream<Arguments> memoryUnderLimit() {
    return Stream.of(
        Arguments.of("v2-limited", "", 200 * MIB, 512 * MIB),
        // the slice's limit binds the service: judged by the slice's own usage, not ours
        Arguments.of("v2-busy-slice", "bots.slice", 914 * MIB, 1024 * MIB),
        // the slice shows no usage: our own working set is the best lower bound
        Arguments.of("v2-parent-limit", "bots.slice", 100 * MIB, 1024 * MIB),
        Arguments.of("v1-limited", "", 500 * MIB, 1024 * MIB),
        Arguments.of("v1-nested-limit", "process_api/3c99/scoutbot-test", 100 * MIB, 512 * MIB));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void memoryUnderLimit(String fixture, String dir, long used, long limit) {
    Cgroups cg = Cgroups.detect(Fixtures.root(fixture));

    Cgroups.MemoryUse use = cg.memoryUnderLimit(Long.MAX_VALUE).orElseThrow();

    assertThat(use.dir()).isEqualTo(cg.memoryController().mountPoint().resolve(dir));
    assertThat(use.used()).isEqualTo(used);
    assertThat(use.limit()).isEqualTo(limit);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"v2-max", "v1-unlimited", "none"})
  void memoryUnderLimit_withoutAnyLimit_isEmpty(String fixture) {
    assertThat(Cgroups.detect(Fixtures.root(fixture)).memoryUnderLimit(Long.MAX_VALUE)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void cpuQuotas_listEveryLimitedCgroupUpwards_withItsOwnUsage() {
    Cgroups cg = Cgroups.detect(Fixtures.root("v2-busy-slice"));
    Path slice = cg.cpuController().mountPoint().resolve("bots.slice");

    assertThat(cg.cpuQuotas()).containsExactly(new Cgroups.CpuQuota(slice, 0.5, 50_000_000_000L));
    // without usage of its own, the slice is read with the process's usage
    assertThat(Cgroups.detect(Fixtures.root("v2-parent-limit")).cpuQuotas())
        .extracting(Cgroups.CpuQuota::usageNanos).containsExactly(2_000_000_000L);
    assertThat(Cgroups.detect(Fixtures.root("v2-max")).cpuQuotas()).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void detect_hybridHost_prefersV1ControllersOverAnEmptyUnifiedMount() {
    Cgroups cg = Cgroups.detect(Fixtures.root("v1-unlimited"));

    assertThat(cg.memoryController().dir().toString()).endsWith("memory/process_api/3c99");
    assertThat(cg.cpuController().dir().toString()).endsWith("sys/fs/cgroup/cpu");
  }

  @org.junit.jupiter.api.Test
  void detect_pathOutsideTheMountRoot_usesTheMountPoint() {
    // Docker without a cgroup namespace: /proc/self/cgroup names /docker/<id>, mounted as the root
    Cgroups cg = Cgroups.detect(Fixtures.root("v1-limited"));

    assertThat(cg.memoryController().dir()).isEqualTo(cg.memoryController().mountPoint());
  }
}
