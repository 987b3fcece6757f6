package io.scoutbot.resource;

/**
 * Where a limit (memory or CPU) was read from: the container's cgroup, or the host when no cgroup
 * limit is set. Shown as {@code limits_source} in status, so an operator can tell whether the
 * thresholds are measured against the container or the whole machine.
 */
public enum LimitSource {
  CGROUP_V2("cgroup-v2"),
  CGROUP_V1("cgroup-v1"),
  HOST("host");

  private final String label;

  LimitSource(String label) {
    this.label = label;
  }

  /** The value shown in status and logs: {@code cgroup-v2}, {@code cgroup-v1} or {@code host}. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
