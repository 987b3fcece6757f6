package io.scoutbot.resource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The {@link ResourceProbe} of this machine, JDK only. Container limits come from our own cgroup
 * parser ({@link Cgroups}); host figures from {@code /proc/meminfo} and {@code /proc/stat} when no
 * limit is set, or from the JDK's {@link OperatingSystemMXBean} where there is no {@code /proc}.
 * Heap comes from the {@link MemoryMXBean}, process CPU time from the OS bean, RSS from {@code
 * /proc/self/status}.
 *
 * <p>Why not OSHI: it would add 4.8 MB (JNA and its native library, extracted at run time, with a
 * restricted-method warning on JDK 24+) for figures that are a handful of small text files on Linux,
 * and its cgroup view reports raw memory usage, page cache included, where we need the working set.
 *
 * <p>Each call reads a few small files (well under a millisecond) and computes CPU use from the
 * counters of the previous call, so the first reading has no CPU figure. Synchronized: meant for one
 * sampler thread, safe for any.
 */
final class SystemProbe implements ResourceProbe {

  private final Path root;
  private final Path dataDir;
  private final LongSupplier ticker;
  private final IntSupplier processors;
  private final ProcFiles files = new ProcFiles();
  private final Cgroups cgroups;
  private final int hostCpus;
  private final OperatingSystemMXBean os;
  private final MemoryMXBean memory;
  private FileStore store;

  private long lastWall = Long.MIN_VALUE;
  private Map<Path, Long> lastCgroupCpu = Map.of();
  private long lastHostBusy = -1;
  private long lastHostTotal = -1;
  private long lastProcessCpu = -1;

  SystemProbe(
      Path root,
      Path dataDir,
      LongSupplier ticker,
      IntSupplier processors,
      OperatingSystemMXBean os,
      MemoryMXBean memory) {
    this.root = root;
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.ticker = ticker;
    this.processors = processors;
    this.os = os;
    this.memory = memory;
    this.cgroups = Cgroups.detect(root, files);
    this.hostCpus = hostCpuCount(processors.getAsInt());
  }

  static SystemProbe create(Path dataDir) {
    return new SystemProbe(
        Path.of("/"), dataDir, System::nanoTime, Runtime.getRuntime()::availableProcessors,
        ManagementFactory.getOperatingSystemMXBean(), ManagementFactory.getMemoryMXBean());
  }

  /** The cgroup view this probe reads, for the startup log and tests. */
  Cgroups cgroups() {
    return cgroups;
  }

  @Override
  public synchronized ResourceSample sample() {
    long now = ticker.getAsLong();
    long wall = lastWall == Long.MIN_VALUE ? -1 : now - lastWall;
    lastWall = now;

    // memory: the container's limit when it is set and tighter than the host's RAM
    long[] host = hostMemory();
    long memLimit = host[0];
    long memUsed = host[0] < 0 ? -1 : host[0] - host[1];
    LimitSource memSource = LimitSource.HOST;
    Optional<Cgroups.MemoryUse> cg =
        cgroups.memoryUnderLimit(host[0] > 0 ? host[0] : Long.MAX_VALUE);
    if (cg.isPresent() && (memLimit <= 0 || cg.get().limit() < memLimit)) {
      memLimit = cg.get().limit();
      memUsed = Math.min(cg.get().used(), memLimit);
      memSource = cgroups.memoryVersion();
    }

    // CPU: against the quota when there is one, else the whole host
    int cpus = Math.max(1, processors.getAsInt());
    double cores = cpus;
    LimitSource cpuSource = LimitSource.HOST;
    double cpuPercent = Double.NaN;
    List<Cgroups.CpuQuota> quotas = cgroups.cpuQuotas();
    double tightest = quotas.stream().mapToDouble(Cgroups.CpuQuota::cores).min().orElse(hostCpus);
    if (tightest < hostCpus && quotas.stream().anyMatch(q -> q.usageNanos() >= 0)) {
      cores = tightest;
      cpuSource = cgroups.cpuVersion();
      // each limited cgroup against its own quota; the busiest one is the host as ScoutBot sees it
      Map<Path, Long> seen = new HashMap<>();
      for (Cgroups.CpuQuota q : quotas) {
        if (q.usageNanos() < 0) {
          continue;
        }
        Long before = lastCgroupCpu.get(q.dir());
        if (wall > 0 && before != null) {
          double p = clamp((q.usageNanos() - before) * 100.0 / (wall * q.cores()));
          cpuPercent = Double.isNaN(cpuPercent) ? p : Math.max(cpuPercent, p);
        }
        seen.put(q.dir(), q.usageNanos());
      }
      lastCgroupCpu = seen;
    } else {
      cpuPercent = hostCpuPercent();
    }

    double processCpu = Double.NaN;
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      long t = sun.getProcessCpuTime();
      if (t >= 0 && wall > 0 && lastProcessCpu >= 0) {
        processCpu = clamp((t - lastProcessCpu) * 100.0 / (wall * cores));
      }
      lastProcessCpu = t;
    }

    long[] disk = disk();
    MemoryUsage heap = memory.getHeapMemoryUsage();
    return new ResourceSample(
        cpuPercent, processCpu, cores, cpuSource, memUsed, memLimit, memSource, disk[0], disk[1],
        heap.getUsed(), heap.getCommitted(), heap.getMax(), rss());
  }

  /** {total, available} bytes of host memory; {-1, -1} when unknown. */
  private long[] hostMemory() {
    String meminfo = files.read(root.resolve("proc/meminfo"));
    long total = ProcFiles.field(meminfo, "MemTotal");
    long available = ProcFiles.field(meminfo, "MemAvailable");
    if (total != Long.MAX_VALUE && available != Long.MAX_VALUE && total > 0) {
      return new long[] {total * 1024, available * 1024};
    }
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return new long[] {sun.getTotalMemorySize(), sun.getFreeMemorySize()};
    }
    return new long[] {-1, -1};
  }

  /** Host CPU use between two calls from the first line of {@code /proc/stat}. */
  private double hostCpuPercent() {
    String first = ProcFiles.firstLine(files.read(root.resolve("proc/stat")));
    if (!first.startsWith("cpu ")) {
      if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
        double load = sun.getCpuLoad();
        return load < 0 ? Double.NaN : clamp(load * 100);
      }
      return Double.NaN;
    }
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is in user)
    String[] f = first.trim().split("\\s+");
    long busy = 0;
    long idle = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      long v = Long.parseLong(f[i]);
      if (i == 4 || i == 5) {
        idle += v;
      } else {
        busy += v;
      }
    }
    long total = busy + idle;
    double percent = Double.NaN;
    if (lastHostTotal >= 0 && total > lastHostTotal) {
      percent = clamp((busy - lastHostBusy) * 100.0 / (total - lastHostTotal));
    }
    lastHostBusy = busy;
    lastHostTotal = total;
    return percent;
  }

  private int hostCpuCount(int fallback) {
    int n = 0;
    for (String line : files.read(root.resolve("proc/stat")).split("\n")) {
      if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
        n++;
      }
    }
    return n == 0 ? fallback : n;
  }

  /** {used, total} bytes of the filesystem holding DATA_DIR; {-1, -1} when unknown. */
  private long[] disk() {
    try {
      FileStore fs = store;
      if (fs == null) {
        Path p = dataDir;
        while (p != null && !Files.exists(p)) {
          p = p.getParent();
        }
        if (p == null) {
          return new long[] {-1, -1};
        }
        fs = Files.getFileStore(p);
        if (p.equals(dataDir)) {
          store = fs; // looking a store up reads the mount table: do it once DATA_DIR exists
        }
      }
      // as df's Use%: blocks reserved for root are not ours, so "total" is used + what we may
      // still write; measured against the raw size the disk would fill while showing ~40 % on a
      // filesystem with a large root reserve, and the disk threshold would never fire
      long used = fs.getTotalSpace() - fs.getUnallocatedSpace();
      return new long[] {used, used + fs.getUsableSpace()};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  private long rss() {
    long kib = ProcFiles.field(files.read(root.resolve("proc/self/status")), "VmRSS");
    return kib == Long.MAX_VALUE ? -1 : kib * 1024;
  }

  private static double clamp(double percent) {
    return Math.max(0.0, Math.min(100.0, percent));
  }
}
