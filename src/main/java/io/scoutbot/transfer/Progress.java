package io.scoutbot.transfer;

/**
 * Receives the number of bytes moved as a transfer advances. Called on the transferring thread after
 * every chunk, so implementations must be cheap and must not block.
 */
@FunctionalInterface
public interface Progress {

  /** Ignores progress. */
  Progress NONE = bytes -> {};

  /** {@code bytes} more bytes were moved. */
  void advance(long bytes);
}
