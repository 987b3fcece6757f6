package io.scoutbot.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Estimates when each unfinished job will be done: running jobs finish their remaining bytes at the
 * observed rate; pending jobs, in queue order, start when a worker slot frees up (not before they
 * are due) and take their size at that rate. Assumes one worker process with {@code slots} slots
 * and first-come-first-served order, so it is an estimate, not a promise. Stateless.
 */
public final class EtaPlanner {

  private EtaPlanner() {}

  /**
   * @param running running jobs
   * @param pending pending jobs in queue order
   * @return the estimated finish time per job id; jobs of unknown size have none
   */
  public static Map<Long, Instant> plan(
      List<Job> running, List<Job> pending, int slots, Throughput rate, Instant now) {
    Map<Long, Instant> eta = new HashMap<>();
    PriorityQueue<Instant> free = new PriorityQueue<>();
    for (Job j : running) {
      long remaining = j.size() < 0 ? -1 : Math.max(j.size() - j.progressBytes(), 0);
      Instant done = rate.estimate(remaining).map(now::plus).orElse(null);
      if (done != null) {
        eta.put(j.id(), done);
      }
      free.add(done == null ? now : done);
    }
    while (free.size() < slots) {
      free.add(now);
    }
    for (Job j : pending) {
      Instant slot = free.poll();
      Instant start = j.nextAttemptAt().isAfter(slot) ? j.nextAttemptAt() : slot;
      Duration d = rate.estimate(j.size()).orElse(null);
      if (d == null) {
        free.add(start);
        continue;
      }
      Instant done = start.plus(d);
      eta.put(j.id(), done);
      free.add(done);
    }
    return eta;
  }
}
