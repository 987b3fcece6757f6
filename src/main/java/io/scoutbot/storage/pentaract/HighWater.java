package io.scoutbot.storage.pentaract;

import io.scoutbot.transfer.Progress;

/**
 * Reports progress only beyond the furthest point reached, so that a retried request that resends
 * bytes does not count them twice. Not thread-safe: one transfer thread.
 */
final class HighWater implements Progress {

  private final Progress delegate;
  private long reported;
  private long current;

  HighWater(Progress delegate) {
    this.delegate = delegate;
  }

  /** A new attempt starts from the beginning of the same bytes. */
  void restart() {
    current = 0;
  }

  @Override
  public void advance(long bytes) {
    current += bytes;
    if (current > reported) {
      delegate.advance(current - reported);
      reported = current;
    }
  }
}
