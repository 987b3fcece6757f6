package io.scoutbot.queue;

import java.util.Objects;
import java.util.Set;

/**
 * What a worker may run. Immutable.
 *
 * @param worker the claiming worker, recorded as the lease owner
 * @param node this worker's node: local-file jobs of other nodes are never claimed
 * @param destination the storage backend this worker stores to
 * @param smallFirst the host is under pressure: smaller jobs go first (jobs older than the aging
 *     limit still go before them, oldest first); otherwise first come, first served
 * @param maxSize only jobs of at most this many bytes, or older than the aging limit (the memory
 *     budget is short); {@link Long#MAX_VALUE} for no limit
 * @param onlyIds only these jobs (a CLI running its own submissions); empty for any
 */
public record ClaimRequest(
    WorkerId worker,
    String node,
    String destination,
    boolean smallFirst,
    long maxSize,
    Set<Long> onlyIds) {

  public ClaimRequest {
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(destination, "destination");
    onlyIds = Set.copyOf(onlyIds);
    if (maxSize < 0) {
      throw new IllegalArgumentException("maxSize cannot be negative: " + maxSize);
    }
  }

  /** Any due job of this node and destination, first come first served. */
  public static ClaimRequest any(WorkerId worker, String destination) {
    return new ClaimRequest(worker, worker.node(), destination, false, Long.MAX_VALUE, Set.of());
  }

  public ClaimRequest withSmallFirst(boolean value) {
    return new ClaimRequest(worker, node, destination, value, maxSize, onlyIds);
  }

  public ClaimRequest withMaxSize(long value) {
    return new ClaimRequest(worker, node, destination, smallFirst, value, onlyIds);
  }

  public ClaimRequest withOnlyIds(Set<Long> ids) {
    return new ClaimRequest(worker, node, destination, smallFirst, maxSize, ids);
  }
}
