package io.scoutbot.queue;

import java.util.Objects;
import java.util.Optional;

/**
 * Who holds a lease: a node (host), a process id and that process's start time, written {@code
 * node/pid/startMillis}. The start time tells a live process from a later one that reuses the pid.
 * Immutable.
 */
public record WorkerId(String node, long pid, long startMillis) {

  public WorkerId {
    Objects.requireNonNull(node, "node");
    if (node.isBlank() || node.contains("/")) {
      throw new IllegalArgumentException("a node id cannot be blank or contain '/': " + node);
    }
  }

  /** This process on {@code node}. */
  public static WorkerId current(String node) {
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    return new WorkerId(node, self.pid(), start);
  }

  /** Parses the text form; empty when it is not one. */
  public static Optional<WorkerId> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int b = text.lastIndexOf('/');
    int a = b <= 0 ? -1 : text.lastIndexOf('/', b - 1);
    if (a <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(new WorkerId(text.substring(0, a), Long.parseLong(text.substring(a + 1, b)),
          Long.parseLong(text.substring(b + 1))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns whether this worker's process is certainly gone: it ran on {@code localNode} and no
   * process with its pid and start time exists. Workers of other nodes are never judged dead here;
   * their leases simply expire.
   */
  public boolean isDeadOn(String localNode) {
    if (!node.equals(localNode)) {
      return false;
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

  @Override
  public String toString() {
    return node + "/" + pid + "/" + startMillis;
  }
}
