package io.scoutbot.fetch;

import io.scoutbot.transfer.Progress;

/**
 * Told how a fetch advances: bytes as they arrive ({@link #advance}) and, once known, how many to
 * expect. Called on the fetching thread; implementations must be cheap and must not block.
 */
public interface FetchProgress extends Progress {

  /** Ignores everything. */
  FetchProgress NONE = bytes -> {};

  /** Wraps a plain byte counter; the expected size is ignored. */
  static FetchProgress of(Progress bytes) {
    return bytes::advance;
  }

  /** The source announced {@code totalBytes} (a Content-Length, a yt-dlp estimate). */
  default void expect(long totalBytes) {}

  /**
   * A fetch that resumed starts again from {@code bytes} already on disk, or one that started
   * over from 0: counts restart there.
   */
  default void restart(long bytes) {}
}
