package io.scoutbot.files;

import io.scoutbot.health.HealthCheck;
import io.scoutbot.resource.ResourceSnapshot;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the status report reads besides the queue, as the composition root provides it. Immutable.
 *
 * @param resources the governor's snapshot; the supplier decides whether to wait for a first sample
 *     (a one-shot {@code status} does, a running {@code serve} never does)
 * @param workers this process's worker pool, when it runs one
 * @param components optional parts by name ({@code bot}, {@code http}, {@code yt_dlp}), read at
 *     each report because some are started after the facade is built
 */
public record StatusParts(
    StatusReport.Service service,
    Supplier<ResourceSnapshot> resources,
    String databaseName,
    HealthCheck database,
    String storageName,
    HealthCheck storage,
    int maxConcurrentUploads,
    Supplier<Optional<Workers>> workers,
    Supplier<Map<String, StatusReport.Health>> components) {

  /**
   * What a worker pool of this process reports. Immutable.
   *
   * @param pausedUntil until when it claims nothing because the backend was found unavailable
   */
  public record Workers(int inFlight, Instant pausedUntil, long unexpectedErrors) {}

  public StatusParts {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(databaseName, "databaseName");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(storageName, "storageName");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(workers, "workers");
    Objects.requireNonNull(components, "components");
  }
}
