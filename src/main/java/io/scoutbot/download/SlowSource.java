package io.scoutbot.download;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Drops a source that trickles: every {@code window}, at least {@code minBytesPerSecond × window}
 * bytes must have arrived. The idle timeout alone cannot catch a server sending one byte every few
 * seconds, which would hold a worker and a work slot for ever; a total cap on the transfer would
 * cut honest slow links. Checked on every read, so a single slow byte is enough to notice. Not
 * thread-safe; one per response.
 */
final class SlowSource extends FilterInputStream {

  /** The source was slower than the minimum over a whole window. */
  static final class TooSlow extends IOException {
    final long bytes;
    final Duration window;

    TooSlow(long bytes, Duration window) {
      super("only " + bytes + " bytes in " + window.toSeconds() + " s");
      this.bytes = bytes;
      this.window = window;
    }
  }

  private final long minBytesPerWindow;
  private final long windowNanos;
  private final Duration window;
  private final LongSupplier nanos;
  private long windowStart;
  private long inWindow;

  /**
   * @param minBytesPerSecond 0 disables the check
   */
  SlowSource(InputStream in, long minBytesPerSecond, Duration window, LongSupplier nanos) {
    super(in);
    this.window = window;
    this.windowNanos = window.toNanos();
    // both are bounded by their settings (2^30 B/s, 3600 s): no overflow
    this.minBytesPerWindow = minBytesPerSecond * Math.max(1, window.toSeconds());
    this.nanos = nanos;
    this.windowStart = nanos.getAsLong();
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    counted(b < 0 ? 0 : 1);
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    counted(Math.max(n, 0));
    return n;
  }

  private void counted(int n) throws TooSlow {
    inWindow += n;
    if (minBytesPerWindow == 0) {
      return;
    }
    long now = nanos.getAsLong();
    if (now - windowStart >= windowNanos) {
      if (inWindow < minBytesPerWindow) {
        throw new TooSlow(inWindow, window);
      }
      windowStart = now;
      inWindow = 0;
    }
  }
}
