package io.scoutbot.config;

import java.time.Duration;

/**
 * How temp space is swept besides PENTARACT_AUTO_CLEANUP and PENTARACT_CLEANUP_INTERVAL (which keep
 * their seed names in {@link PentaractConfig}). Immutable.
 *
 * @param minAge a job directory no live job owns is removed only once nothing in it changed for
 *     this long
 */
public record CleanupConfig(Duration minAge) {

  public CleanupConfig {
    ResourceConfig.positive("minAge", minAge);
  }
}
