package io.scoutbot.cli;

import io.scoutbot.files.Sizes;
import io.scoutbot.transfer.Progress;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr for long transfers, redrawn at most twice a second. Only used when
 * stderr is a terminal. Called from the transferring thread only.
 */
final class ProgressLine implements Progress {

  private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final PrintWriter err;
  private final String label;
  private final long total;
  private final LongSupplier nanos;
  private final long start;
  private long done;
  private long lastDraw;
  private boolean drawn;

  ProgressLine(PrintWriter err, String label, long total, LongSupplier nanos) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.nanos = nanos;
    this.start = nanos.getAsLong();
    this.lastDraw = start;
  }

  @Override
  public void advance(long bytes) {
    done += bytes;
    long now = nanos.getAsLong();
    if (now - lastDraw >= REDRAW_NANOS) {
      lastDraw = now;
      draw(now);
    }
  }

  void finish() {
    if (drawn) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  private void draw(long now) {
    double seconds = Math.max(1e-3, (now - start) / 1e9);
    long rate = (long) (done / seconds);
    String pct = total > 0 ? String.format(java.util.Locale.ROOT, "%3d%% ", done * 100 / total) : "";
    err.print("\r\033[K" + label + "  " + pct + Sizes.human(done) + " / " + Sizes.human(total)
        + "  " + Sizes.human(rate) + "/s");
    err.flush();
    drawn = true;
  }
}
