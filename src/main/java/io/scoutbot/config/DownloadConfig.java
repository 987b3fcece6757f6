package io.scoutbot.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How URLs are fetched: size cap, SSRF guard, timeouts and the optional yt-dlp. Immutable.
 *
 * @param maxBytes largest file a URL download may produce
 * @param allowPrivateNetworks whether URLs may point at loopback and private addresses (SSRF guard)
 * @param timeout connect timeout, and the longest silence while bytes flow; never a cap on a
 *     whole transfer
 * @param minBytesPerSecond a download averaging less than this over {@code timeout} is dropped (a
 *     server trickling bytes would otherwise hold a worker for ever); 0 disables
 * @param ytDlpEnabled whether media pages may be handed to yt-dlp at all
 * @param ytDlpPath the yt-dlp executable, or null to look for {@code yt-dlp} on PATH
 * @param ytDlpTimeout how long yt-dlp may stay silent (no output line) before it is stopped
 * @param ytDlpHosts hosts (and their subdomains) sent straight to yt-dlp without a direct try
 */
public record DownloadConfig(
    long maxBytes,
    boolean allowPrivateNetworks,
    Duration timeout,
    long minBytesPerSecond,
    boolean ytDlpEnabled,
    Path ytDlpPath,
    Duration ytDlpTimeout,
    List<String> ytDlpHosts) {

  /** DOWNLOAD_TIMEOUT's default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** DOWNLOAD_MIN_BYTES_PER_SECOND's default: 1 KiB/s, far below any real link. */
  public static final long DEFAULT_MIN_BYTES_PER_SECOND = 1024;
  /** DOWNLOAD_YTDLP_TIMEOUT's default: long enough for yt-dlp to merge a large video silently. */
  public static final Duration DEFAULT_YTDLP_TIMEOUT = Duration.ofMinutes(5);
  /** DOWNLOAD_YTDLP_HOSTS's default: media sites whose pages are never files themselves. */
  public static final List<String> DEFAULT_YTDLP_HOSTS =
      List.of("youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "twitch.tv",
          "soundcloud.com", "tiktok.com", "instagram.com", "x.com", "twitter.com", "reddit.com",
          "facebook.com", "bilibili.com");

  public DownloadConfig {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    ResourceConfig.positive("timeout", timeout);
    ResourceConfig.positive("ytDlpTimeout", ytDlpTimeout);
    if (minBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "minBytesPerSecond cannot be negative: " + minBytesPerSecond);
    }
    ytDlpHosts = ytDlpHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    for (String h : ytDlpHosts) {
      if (!h.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
        throw new IllegalArgumentException("not a host name: '" + h + "'");
      }
    }
  }

  /** The defaults for everything but the cap and the guard (tests, and callers that need only those). */
  public static DownloadConfig of(long maxBytes, boolean allowPrivateNetworks) {
    return new DownloadConfig(maxBytes, allowPrivateNetworks, DEFAULT_TIMEOUT,
        DEFAULT_MIN_BYTES_PER_SECOND, true, null, DEFAULT_YTDLP_TIMEOUT, DEFAULT_YTDLP_HOSTS);
  }

  /** A copy with other timeouts (tests use short ones). */
  public DownloadConfig withTimeouts(Duration timeout, long minBytesPerSecond) {
    return new DownloadConfig(maxBytes, allowPrivateNetworks, timeout, minBytesPerSecond,
        ytDlpEnabled, ytDlpPath, ytDlpTimeout, ytDlpHosts);
  }

  /** A copy with another yt-dlp setup. */
  public DownloadConfig withYtDlp(boolean enabled, Path path, Duration silence) {
    return new DownloadConfig(maxBytes, allowPrivateNetworks, timeout, minBytesPerSecond, enabled,
        path, silence, ytDlpHosts);
  }
}
