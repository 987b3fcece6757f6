package io.scoutbot.resource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The container's memory and CPU limits and usage, read from cgroup files: cgroup v2 (unified), v1
 * (one hierarchy per controller) and hybrid hosts (v1 controllers next to an empty v2 mount).
 * Immutable and thread-safe: the controllers' directories are found once, and every read goes to
 * the files again, so a limit changed at run time ({@code docker update}) is picked up.
 *
 * <h2>Finding a controller's directory</h2>
 * {@code /proc/self/cgroup} gives this process's path per controller ({@code 4:memory:/docker/abc}
 * for v1, {@code 0::/system.slice/x.service} for v2); {@code /proc/self/mountinfo} gives where each
 * hierarchy is mounted and which part of it the mount shows (its root). The directory is the mount
 * point plus the path relative to that root; when the path is outside the mount's root (a cgroup
 * namespace), the mount point itself is the process's cgroup. A controller mounted as v1 wins over
 * v2, as on hybrid hosts the unified mount carries no controllers.
 *
 * <h2>Reading</h2>
 * A limit can sit on any ancestor (systemd slices, Kubernetes pods), and it binds everything below
 * it: a slice limited to 1 GiB whose other services use 900 MiB leaves ScoutBot 124 MiB, however
 * little ScoutBot itself uses. So pressure is judged per limited cgroup on the way up, each one's own
 * usage against its own limit, and the cgroup closest to its limit is the one reported ({@link
 * #memoryUnderLimit}, {@link #cpuQuotas}). Memory in use is the working set: usage minus
 * inactive page cache, the figure the kernel cannot simply drop and the one Docker and the kubelet
 * report; raw usage would count the page cache every large file leaves behind and throttle forever.
 * Every file is read under a root directory ({@code /} in production, a fixture tree in tests).
 */
final class Cgroups {

  /** Limits at or above this are the kernel's "no limit" (v1 writes 2^63 rounded to pages). */
  static final long UNLIMITED = 1L << 62;

  /** Memory in use against the limit of one cgroup: the process's own or an ancestor's. */
  record MemoryUse(Path dir, long used, long limit) {
    double ratio() {
      return (double) used / limit;
    }
  }

  /**
   * One cgroup on the way up with a CPU quota: the quota in cores and the CPU time the cgroup (all
   * its members) used so far, or -1 when that cannot be read.
   */
  record CpuQuota(Path dir, double cores, long usageNanos) {}

  /** A controller's directory and the hierarchy version it belongs to. */
  record Controller(LimitSource version, Path dir, Path mountPoint) {}

  private record Mount(String root, String mountPoint, String fsType, Set<String> options) {}

  private final ProcFiles files;
  private final Controller memory;
  private final Controller cpu;
  private final Controller cpuacct;

  private Cgroups(ProcFiles files, Controller memory, Controller cpu, Controller cpuacct) {
    this.files = files;
    this.memory = memory;
    this.cpu = cpu;
    this.cpuacct = cpuacct;
  }

  /** Finds this process's cgroups under {@code root}; a host without cgroups gives an empty view. */
  static Cgroups detect(Path root) {
    return detect(root, new ProcFiles());
  }

  /** Like {@link #detect(Path)}, reading through {@code files} (shared with the probe). */
  static Cgroups detect(Path root, ProcFiles files) {
    List<String> cgroupLines = lines(files, root.resolve("proc/self/cgroup"));
    List<String> mountLines = lines(files, root.resolve("proc/self/mountinfo"));
    Map<String, String> v1Paths = new HashMap<>();
    String v2Path = null;
    for (String line : cgroupLines) {
      String[] f = line.split(":", 3);
      if (f.length < 3) {
        continue;
      }
      if (f[0].equals("0") && f[1].isEmpty()) {
        v2Path = f[2];
      } else {
        for (String c : f[1].split(",")) {
          v1Paths.put(c, f[2]);
        }
      }
    }
    List<Mount> mounts = new ArrayList<>();
    for (String line : mountLines) {
      Mount m = parseMount(line);
      if (m != null && (m.fsType().equals("cgroup") || m.fsType().equals("cgroup2"))) {
        mounts.add(m);
      }
    }
    Controller memory = v1(root, mounts, v1Paths, "memory");
    Controller cpu = v1(root, mounts, v1Paths, "cpu");
    Controller cpuacct = v1(root, mounts, v1Paths, "cpuacct");
    Controller v2 = v2(root, mounts, v2Path);
    if (memory == null && v2 != null && Files.exists(v2.dir().resolve("memory.current"))) {
      memory = v2;
    }
    if (cpu == null && v2 != null && Files.exists(v2.dir().resolve("cpu.stat"))) {
      cpu = v2;
      cpuacct = v2;
    }
    if (cpuacct == null) {
      cpuacct = cpu;
    }
    return new Cgroups(files, memory, cpu, cpuacct);
  }

  /** The hierarchy the memory figures come from; empty view: {@link LimitSource#HOST}. */
  LimitSource memoryVersion() {
    return memory == null ? LimitSource.HOST : memory.version();
  }

  LimitSource cpuVersion() {
    return cpu == null ? LimitSource.HOST : cpu.version();
  }

  Controller memoryController() {
    return memory;
  }

  Controller cpuController() {
    return cpu;
  }

  /**
   * Of the limited cgroups from the process's up to the mount point, the one whose working set is
   * closest to its limit; empty without a limit. An ancestor whose usage cannot be read (v2 shows
   * no {@code memory.current} at a namespace's root) is judged by the process's own working set. A
   * "limit" of {@code ceiling} bytes or more (the host's RAM) limits nothing and is skipped, so it
   * cannot hide a tighter one nearer the process.
   */
  Optional<MemoryUse> memoryUnderLimit(long ceiling) {
    if (memory == null) {
      return Optional.empty();
    }
    boolean v2 = memory.version() == LimitSource.CGROUP_V2;
    OptionalLong own = workingSet(memory.dir());
    MemoryUse worst = null;
    long tightest = Long.MAX_VALUE;
    for (Path dir : upwards(memory)) {
      long limit = number(dir.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"));
      if (limit >= UNLIMITED || limit <= 0 || limit >= ceiling) {
        continue;
      }
      tightest = Math.min(tightest, limit);
      OptionalLong used = workingSet(dir);
      if (used.isEmpty()) {
        used = own;
      }
      if (used.isPresent()) {
        worst = worse(worst, new MemoryUse(dir, used.getAsLong(), limit));
      }
    }
    if (!v2 && own.isPresent()) {
      // a v1 limit above what this mount shows is only visible as the hierarchical limit
      long hierarchical = stat(memory.dir().resolve("memory.stat"), "hierarchical_memory_limit");
      if (hierarchical < UNLIMITED && hierarchical < tightest && hierarchical < ceiling) {
        worst = worse(worst, new MemoryUse(memory.dir(), own.getAsLong(), hierarchical));
      }
    }
    return Optional.ofNullable(worst);
  }

  private static MemoryUse worse(MemoryUse a, MemoryUse b) {
    return a == null || b.ratio() > a.ratio() ? b : a;
  }

  private OptionalLong workingSet(Path dir) {
    boolean v2 = memory.version() == LimitSource.CGROUP_V2;
    long usage = number(dir.resolve(v2 ? "memory.current" : "memory.usage_in_bytes"));
    if (usage == Long.MAX_VALUE) {
      return OptionalLong.empty();
    }
    long inactive = stat(dir.resolve("memory.stat"), v2 ? "inactive_file" : "total_inactive_file");
    if (inactive == Long.MAX_VALUE) {
      inactive = 0;
    }
    return OptionalLong.of(Math.max(0, usage - inactive));
  }

  /** CPU time used by the cgroup since it was created, in nanoseconds; empty when unreadable. */
  OptionalLong cpuUsageNanos() {
    return cpuacct == null ? OptionalLong.empty() : cpuUsage(cpuacct.dir());
  }

  /**
   * Every cgroup from the process's up to the mount point that has a CPU quota, nearest first, each
   * with the CPU time it used; the caller turns two readings into a percentage per cgroup and takes
   * the highest. Usage comes from the same directory when the accounting controller shares the
   * hierarchy (v2, v1 {@code cpu,cpuacct}); otherwise, or when unreadable, from the process's own.
   */
  List<CpuQuota> cpuQuotas() {
    if (cpu == null) {
      return List.of();
    }
    boolean sameTree = cpuacct != null && cpuacct.mountPoint().equals(cpu.mountPoint());
    long own = cpuUsageNanos().orElse(-1);
    List<CpuQuota> out = new ArrayList<>();
    for (Path dir : upwards(cpu)) {
      double cores = quotaCores(dir);
      if (Double.isInfinite(cores)) {
        continue;
      }
      long used = sameTree ? cpuUsage(dir).orElse(own) : own;
      out.add(new CpuQuota(dir, cores, used));
    }
    return out;
  }

  private double quotaCores(Path dir) {
    if (cpu.version() == LimitSource.CGROUP_V2) {
      String[] f = files.read(dir.resolve("cpu.max")).strip().split("\\s+");
      return f.length == 2 ? ratio(parse(f[0]), parse(f[1])) : Double.POSITIVE_INFINITY;
    }
    return ratio(number(dir.resolve("cpu.cfs_quota_us")), number(dir.resolve("cpu.cfs_period_us")));
  }

  private OptionalLong cpuUsage(Path dir) {
    long v;
    if (cpuacct.version() == LimitSource.CGROUP_V2) {
      long usec = stat(dir.resolve("cpu.stat"), "usage_usec");
      v = usec == Long.MAX_VALUE ? usec : usec * 1000;
    } else {
      v = number(dir.resolve("cpuacct.usage"));
    }
    return v == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(v);
  }

  private static double ratio(long quota, long period) {
    if (quota <= 0 || quota == Long.MAX_VALUE || period <= 0 || period == Long.MAX_VALUE) {
      return Double.POSITIVE_INFINITY;
    }
    return (double) quota / period;
  }

  /** The process's directory and its parents up to and including the mount point. */
  private static List<Path> upwards(Controller c) {
    List<Path> dirs = new ArrayList<>();
    for (Path d = c.dir(); d != null && d.startsWith(c.mountPoint()); d = d.getParent()) {
      dirs.add(d);
    }
    return dirs;
  }

  private static Controller v1(
      Path root, List<Mount> mounts, Map<String, String> paths, String controller) {
    String path = paths.get(controller);
    if (path == null) {
      return null;
    }
    for (Mount m : mounts) {
      if (m.fsType().equals("cgroup") && m.options().contains(controller)) {
        return controller(root, m, path, LimitSource.CGROUP_V1);
      }
    }
    return null;
  }

  private static Controller v2(Path root, List<Mount> mounts, String path) {
    if (path == null) {
      return null;
    }
    for (Mount m : mounts) {
      if (m.fsType().equals("cgroup2")) {
        return controller(root, m, path, LimitSource.CGROUP_V2);
      }
    }
    return null;
  }

  private static Controller controller(Path root, Mount m, String path, LimitSource version) {
    Path mountPoint = under(root, m.mountPoint());
    String rel;
    if (m.root().equals("/")) {
      rel = path;
    } else if (path.equals(m.root()) || path.startsWith(m.root() + "/")) {
      rel = path.substring(m.root().length());
    } else {
      rel = "";
    }
    Path dir = under(mountPoint, rel);
    if (!Files.isDirectory(dir)) {
      // the path names a cgroup this mount does not show (namespaces): the mount is our cgroup
      dir = mountPoint;
    }
    return new Controller(version, dir, mountPoint);
  }

  private static Path under(Path base, String absolute) {
    String rel = absolute;
    while (rel.startsWith("/")) {
      rel = rel.substring(1);
    }
    return rel.isEmpty() ? base : base.resolve(rel).normalize();
  }

  /**
   * One mountinfo line: {@code id parent major:minor root mountpoint options [optional...] - fstype
   * source superoptions}.
   */
  private static Mount parseMount(String line) {
    String[] f = line.split(" ");
    int dash = -1;
    for (int i = 6; i < f.length; i++) {
      if (f[i].equals("-")) {
        dash = i;
        break;
      }
    }
    if (f.length < 5 || dash < 0 || dash + 3 > f.length) {
      return null;
    }
    Set<String> options = new HashSet<>(List.of(f[5].split(",")));
    if (dash + 3 < f.length) {
      options.addAll(List.of(f[dash + 3].split(",")));
    }
    return new Mount(unescape(f[3]), unescape(f[4]), f[dash + 1], options);
  }

  /** mountinfo escapes space, tab, newline and backslash as three octal digits ({@code \040}). */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()
          && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** A file holding one number or {@code max}; {@code Long.MAX_VALUE} for max or unreadable. */
  private long number(Path file) {
    return ProcFiles.number(files.read(file));
  }

  private static long parse(String s) {
    if (s.isEmpty() || s.equals("max")) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The value of {@code key} in a {@code key value} file; {@code Long.MAX_VALUE} when absent. */
  private long stat(Path file, String key) {
    return ProcFiles.field(files.read(file), key);
  }

  private static List<String> lines(ProcFiles files, Path file) {
    String text = files.read(file);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }
}
