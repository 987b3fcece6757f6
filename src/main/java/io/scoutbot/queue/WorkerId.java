package io.scoutbot.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who holds a lease: a node (host), a process id, that process's start time and its pid namespace,
 * written {@code node/pid/startMillis[/pidNamespace]}. The start time tells a live process from a
 * later one that reuses the pid; the namespace tells processes of different containers apart when
 * they share a node id (both may well be pid 1). Immutable.
 *
 * <p>Judging another process by its pid is only sound when this process sees the same pids and
 * every process: so a worker is called dead only when both pid namespaces are known and equal and
 * {@code /proc} hides nobody, and alive only when its process is seen with the same start time.
 * Anything less proves nothing, and the lease's expiry decides.
 *
 * @param pidNamespace the inode of {@code /proc/self/ns/pid}; 0 when unknown
 */
public record WorkerId(String node, long pid, long startMillis, long pidNamespace) {

  private static final Host SYSTEM = Host.system();

  public WorkerId {
    Objects.requireNonNull(node, "node");
    if (node.isBlank() || node.contains("/")) {
      throw new IllegalArgumentException("a node id cannot be blank or contain '/': " + node);
    }
  }

  /** A worker whose pid namespace is unknown: never judged dead or alive by its pid. */
  public WorkerId(String node, long pid, long startMillis) {
    this(node, pid, startMillis, 0);
  }

  /** This process's start time, read once: claims compare it per expired lease. */
  private static final long SELF_START =
      ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);

  /** This process on {@code node}. */
  public static WorkerId current(String node) {
    return new WorkerId(node, ProcessHandle.current().pid(), SELF_START, SYSTEM.pidNamespace());
  }

  /** Parses the text form; empty when it is not one. */
  public static Optional<WorkerId> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.split("/", -1);
    if (parts.length != 3 && parts.length != 4) {
      return Optional.empty();
    }
    try {
      return Optional.of(new WorkerId(parts[0], Long.parseLong(parts[1]),
          Long.parseLong(parts[2]), parts.length == 4 ? Long.parseLong(parts[3]) : 0));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns whether this worker's process is certainly gone: it ran on {@code localNode}, in this
   * process's pid namespace (both known), and either no process has its pid while {@code /proc}
   * shows every process, or its pid now belongs to a later process. A pid this process cannot see
   * (another user's process under {@code hidepid}, an unreadable {@code /proc}) counts as alive:
   * declaring a live worker dead would run its jobs twice at once.
   */
  public boolean isDeadOn(String localNode) {
    return isDeadOn(localNode, SYSTEM);
  }

  boolean isDeadOn(String localNode, Host host) {
    if (!samePidsAs(localNode, host)) {
      return false;
    }
    Optional<ProcessHandle> p = host.process(pid);
    if (p.isEmpty()) {
      return host.showsEveryProcess();
    }
    // a pid reused by a later process: its start time differs (unknown start times prove nothing)
    return p.get().info().startInstant()
        .map(s -> startMillis != 0 && Math.abs(s.toEpochMilli() - startMillis) > 1000)
        .orElse(false);
  }

  /**
   * Returns whether this worker's process is certainly running: it is this very process, or a
   * process of {@code localNode} in this pid namespace (both known) with its pid and start time.
   * Such a worker keeps its jobs even past its lease: it renews the lease as soon as the database
   * answers again.
   */
  public boolean isAliveOn(String localNode) {
    return isAliveOn(localNode, SYSTEM);
  }

  boolean isAliveOn(String localNode, Host host) {
    if (node.equals(localNode) && equals(current(localNode))) {
      return true;
    }
    if (!samePidsAs(localNode, host) || startMillis == 0) {
      return false;
    }
    return host.process(pid)
        .flatMap(p -> p.info().startInstant())
        .map(s -> Math.abs(s.toEpochMilli() - startMillis) <= 1000)
        .orElse(false);
  }

  private boolean samePidsAs(String localNode, Host host) {
    // another node, or another container with the same NODE_ID: its pids mean nothing here
    return node.equals(localNode) && pidNamespace != 0 && host.pidNamespace() != 0
        && pidNamespace == host.pidNamespace();
  }

  /** This process's pid namespace, or 0 when it cannot be read (not Linux, /proc hidden). */
  static long localPidNamespace() {
    return SYSTEM.pidNamespace();
  }

  /** Whether this host lets a process prove another one dead by its pid (tests assume it). */
  static boolean provesDeathHere() {
    return SYSTEM.pidNamespace() != 0 && SYSTEM.showsEveryProcess();
  }

  @Override
  public String toString() {
    return node + "/" + pid + "/" + startMillis + (pidNamespace == 0 ? "" : "/" + pidNamespace);
  }

  /** What this process can see of the processes on its host. The system one reads /proc. */
  interface Host {

    /** This process's pid namespace; 0 when unknown. */
    long pidNamespace();

    /**
     * Whether a process missing from view is really gone: false when /proc hides other users'
     * processes ({@code hidepid}) or its mount options cannot be read.
     */
    boolean showsEveryProcess();

    /** The live process with this pid, if this process can see it. */
    Optional<ProcessHandle> process(long pid);

    static Host system() {
      long namespace = readPidNamespace();
      boolean showsAll = procShowsEveryProcess();
      return new Host() {
        @Override
        public long pidNamespace() {
          return namespace;
        }

        @Override
        public boolean showsEveryProcess() {
          return showsAll;
        }

        @Override
        public Optional<ProcessHandle> process(long pid) {
          return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        }
      };
    }

    private static long readPidNamespace() {
      try {
        // a link like "pid:[4026531836]"
        String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }

    private static boolean procShowsEveryProcess() {
      try {
        return procShowsEveryProcess(Files.readAllLines(Path.of("/proc/self/mountinfo")));
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }

    /**
     * Whether the proc mount at /proc, as {@code /proc/self/mountinfo} describes it, shows every
     * process: hidepid=1/2 (or invisible, noaccess, ptraceable) hide other users' processes, and Java cannot
     * tell such a hidden pid from a free one.
     */
    static boolean procShowsEveryProcess(List<String> mountinfo) {
      for (String line : mountinfo) {
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        if (f.length < 5 || !"/proc".equals(f[4]) || dash < 0 || dash + 1 >= f.length
            || !"proc".equals(f[dash + 1])) {
          continue;
        }
        String superOptions = dash + 3 < f.length ? f[dash + 3] : "";
        for (String option : superOptions.split(",")) {
          if (option.startsWith("hidepid=")
              && !option.equals("hidepid=0") && !option.equals("hidepid=off")) {
            return false;
          }
        }
        return true;
      }
      return false;
    }
  }
}
