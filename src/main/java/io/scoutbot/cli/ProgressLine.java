package io.scoutbot.cli;

import io.scoutbot.files.Sizes;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A progress bar on stderr for long transfers: {@code label [######....]  42%  120.5MiB / 300.0MiB
 * 35.2MiB/s  ETA 0:05}, redrawn in place at most four times a second. Only used when stderr is a
 * terminal ({@link Terminal}) and neither {@code --json} nor {@code --quiet} was given.
 * Thread-safe (transfers report from worker threads).
 */
final class ProgressLine {

  private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  private static final int BAR = 24;

  private final PrintWriter err;
  private final String label;
  private final LongSupplier nanos;
  private final long start;
  private long total;
  private long done;
  private long lastDraw;
  private boolean drawn;

  /** @param total bytes to move; -1 when unknown (no bar, no percentage, no ETA) */
  ProgressLine(PrintWriter err, String label, long total, LongSupplier nanos) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.nanos = nanos;
    this.start = nanos.getAsLong();
    this.lastDraw = start - REDRAW_NANOS;
  }

  /** {@code bytes} more were moved. */
  synchronized void advance(long bytes) {
    update(done + bytes, total);
  }

  /** {@code done} bytes are moved now, of the total given at the start. */
  synchronized void moveTo(long done) {
    update(done, total);
  }

  /** {@code done} of {@code total} bytes are moved now. */
  synchronized void update(long done, long total) {
    this.done = done;
    this.total = total;
    long now = nanos.getAsLong();
    if (now - lastDraw >= REDRAW_NANOS) {
      lastDraw = now;
      err.print("\r\033[K" + render(now));
      err.flush();
      drawn = true;
    }
  }

  /** Writes a line above the bar (a notice), then lets the bar redraw. */
  synchronized void notice(String line) {
    err.print((drawn ? "\r\033[K" : "") + line + "\n");
    err.flush();
    lastDraw = nanos.getAsLong() - REDRAW_NANOS;
  }

  /** Clears the bar. */
  synchronized void finish() {
    if (drawn) {
      err.print("\r\033[K");
      err.flush();
      drawn = false;
    }
  }

  /** The line as it would be drawn at {@code now}. */
  synchronized String render(long now) {
    double seconds = Math.max(1e-3, (now - start) / 1e9);
    double rate = done / seconds;
    StringBuilder b = new StringBuilder(label).append("  ");
    if (total > 0) {
      int filled = (int) Math.min(BAR, done * BAR / total);
      b.append('[').append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ");
      b.append(String.format(Locale.ROOT, "%3d%%  ", Math.min(100, done * 100 / total)));
      b.append(Sizes.human(done)).append(" / ").append(Sizes.human(total));
    } else {
      b.append(Sizes.human(done));
    }
    b.append("  ").append(Sizes.human((long) rate)).append("/s");
    if (total > 0 && rate > 0 && done < total) {
      b.append("  ETA ").append(clock((long) ((total - done) / rate)));
    }
    return b.toString();
  }

  /** {@code 0:05}, {@code 12:34}, {@code 1:02:03}. */
  static String clock(long seconds) {
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
        : String.format(Locale.ROOT, "%d:%02d", m, s);
  }
}
