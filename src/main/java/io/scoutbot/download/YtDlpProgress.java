package io.scoutbot.download;

import java.util.Optional;

/**
 * Reads yt-dlp's progress lines, printed with {@link #TEMPLATE} and {@code --newline}: one line per
 * update, {@code [scoutbot] <downloaded> <total> <estimate> <status>}, where yt-dlp writes
 * {@code NA} for what it does not know. Stateless.
 */
final class YtDlpProgress {

  /** The marker every progress line starts with, so other output is never taken for one. */
  static final String MARKER = "[scoutbot-progress]";

  /** The {@code --progress-template} argument. */
  static final String TEMPLATE =
      "download:" + MARKER + " %(progress.downloaded_bytes)s %(progress.total_bytes)s"
          + " %(progress.total_bytes_estimate)s %(progress.status)s";

  /**
   * One update.
   *
   * @param downloaded bytes of the current file so far
   * @param total its size: known, else yt-dlp's estimate, else -1
   * @param finished whether this file is complete
   */
  record Sample(long downloaded, long total, boolean finished) {}

  private YtDlpProgress() {}

  /** The update {@code line} carries, if it is a progress line. */
  static Optional<Sample> parse(String line) {
    if (!line.startsWith(MARKER)) {
      return Optional.empty();
    }
    String[] f = line.substring(MARKER.length()).strip().split("\\s+");
    if (f.length < 3) {
      return Optional.empty();
    }
    long downloaded = number(f[0]);
    if (downloaded < 0) {
      return Optional.empty();
    }
    long total = number(f[1]);
    if (total < 0) {
      total = number(f[2]);
    }
    boolean finished = f.length > 3 && f[3].equals("finished");
    return Optional.of(new Sample(downloaded, total, finished));
  }

  /** A byte count as yt-dlp prints it (an integer, sometimes a float estimate, or NA); -1 if none. */
  private static long number(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      try {
        double d = Double.parseDouble(s);
        return Double.isFinite(d) && d >= 0 ? (long) d : -1;
      } catch (NumberFormatException e2) {
        return -1;
      }
    }
  }
}
