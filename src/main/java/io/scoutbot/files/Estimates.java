package io.scoutbot.files;

import io.scoutbot.queue.EtaPlanner;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobBoard;
import io.scoutbot.queue.JobQuery;
import io.scoutbot.queue.JobState;
import io.scoutbot.queue.Throughput;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * When each unfinished job should be done, and its place in the queue: the queue's order at the
 * upload rate observed so far (learned from recent completions when this process has not uploaded
 * anything yet). Thread-safe.
 */
final class Estimates {

  /** Covers every unfinished job of a busy service; the estimate is of the head of the queue. */
  static final int UNFINISHED_LIMIT = 10_000;

  /** The unfinished jobs of one backend in queue order, with what is known of their future. */
  record Plan(List<Job> unfinished, Map<Long, Instant> eta, Map<Long, Integer> position) {}

  private final JobBoard board;
  private final Throughput throughput;
  private final int slots;
  private final String destination;
  private final InstantSource clock;
  private boolean seeded;

  Estimates(JobBoard board, Throughput throughput, int slots, String destination,
      InstantSource clock) {
    this.board = board;
    this.throughput = throughput;
    this.slots = slots;
    this.destination = destination;
    this.clock = clock;
  }

  /** Reads the unfinished jobs of every user and plans them. */
  Plan plan() {
    List<Job> unfinished = board.list(JobQuery.unfinished(OptionalLong.empty(), UNFINISHED_LIMIT));
    seed();
    List<Job> running = new ArrayList<>();
    List<Job> pending = new ArrayList<>();
    Map<Long, Integer> position = new HashMap<>();
    for (Job j : unfinished) {
      if (!j.destination().equals(destination) || j.state() == JobState.BLOCKED) {
        continue; // a blocked job waits for an operator; no estimate holds for it
      }
      (j.state() == JobState.RUNNING ? running : pending).add(j);
      position.put(j.id(), position.size() + 1);
    }
    return new Plan(unfinished, EtaPlanner.plan(running, pending, slots, throughput,
        clock.instant()), position);
  }

  /** The observed upload rate in bytes per second. */
  double bytesPerSecond() {
    seed();
    return throughput.bytesPerSecond();
  }

  /** A process that has not uploaded anything yet learns the rate from the queue's history. */
  private synchronized void seed() {
    if (seeded) {
      return;
    }
    seeded = true;
    List<Job> recent = new ArrayList<>(board.list(
        new JobQuery(OptionalLong.empty(), Set.of(JobState.COMPLETED), true, 20)));
    Collections.reverse(recent);
    for (Job j : recent) {
      if (j.destination().equals(destination) && j.startedAt() != null && j.finishedAt() != null) {
        throughput.observe(j.size(), Duration.between(j.startedAt(), j.finishedAt()));
      }
    }
  }
}
