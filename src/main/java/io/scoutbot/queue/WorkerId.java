package io.scoutbot.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Who holds a lease: a node (host), a process id, that process's start time and its pid namespace,
 * written {@code node/pid/startMillis[/pidNamespace]}. The start time tells a live process from a
 * later one that reuses the pid; the namespace tells processes of different containers apart when
 * they share a node id (both may well be pid 1). Immutable.
 *
 * @param pidNamespace the inode of {@code /proc/self/ns/pid}; 0 when unknown
 */
public record WorkerId(String node, long pid, long startMillis, long pidNamespace) {

  private static final long LOCAL_NAMESPACE = readPidNamespace();

  public WorkerId {
    Objects.requireNonNull(node, "node");
    if (node.isBlank() || node.contains("/")) {
      throw new IllegalArgumentException("a node id cannot be blank or contain '/': " + node);
    }
  }

  /** A worker whose pid namespace is unknown (judged by pid alone, as on a host without them). */
  public WorkerId(String node, long pid, long startMillis) {
    this(node, pid, startMillis, 0);
  }

  /** This process on {@code node}. */
  public static WorkerId current(String node) {
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    return new WorkerId(node, self.pid(), start, LOCAL_NAMESPACE);
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
   * process's pid namespace, and no process with its pid and start time exists. Workers of other
   * nodes or other containers are never judged dead here; their leases simply expire.
   */
  public boolean isDeadOn(String localNode) {
    if (!node.equals(localNode)) {
      return false;
    }
    if (pidNamespace != 0 && LOCAL_NAMESPACE != 0 && pidNamespace != LOCAL_NAMESPACE) {
      return false; // another container with the same NODE_ID: its pids mean nothing here
    }
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) {
      return true;
    }
    // a pid reused by a later process: its start time differs (unknown start times prove nothing)
    return p.get().info().startInstant()
        .map(s -> startMillis != 0 && Math.abs(s.toEpochMilli() - startMillis) > 1000)
        .orElse(false);
  }

  /** This process's pid namespace, or 0 when it cannot be read (not Linux, /proc hidden). */
  static long localPidNamespace() {
    return LOCAL_NAMESPACE;
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

  @Override
  public String toString() {
    return node + "/" + pid + "/" + startMillis + (pidNamespace == 0 ? "" : "/" + pidNamespace);
  }
}
