package io.scoutbot.files;

/** Human-readable sizes in the original bot's format ({@code 125.5MiB}). Stateless. */
public final class Sizes {

  private static final String[] UNITS = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  private Sizes() {}

  public static String human(long bytes) {
    double n = bytes;
    int unit = 0;
    while (Math.abs(n) >= 1024 && unit < UNITS.length - 1) {
      n /= 1024;
      unit++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f%sB", n, UNITS[unit]);
  }
}
