package io.scoutbot.config;

/**
 * Limits on fetching URLs. Immutable.
 *
 * @param maxBytes largest file a URL download may produce
 * @param allowPrivateNetworks whether URLs may point at loopback and private addresses (SSRF guard)
 */
public record DownloadConfig(long maxBytes, boolean allowPrivateNetworks) {

  public DownloadConfig {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
  }
}
