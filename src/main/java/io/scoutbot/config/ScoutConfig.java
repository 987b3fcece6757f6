package io.scoutbot.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The whole effective configuration, one record per capability. Immutable; built once by {@link
 * ConfigLoader} and passed down by the composition root.
 *
 * @param dataDir where the database, the local store and temp space live by default
 * @param tempDir temp space for files in flight
 * @param databaseUrl JDBC URL: SQLite (embedded default) or PostgreSQL (several instances)
 * @param nodeId this host's name in a shared queue: local-file jobs only run on their node
 * @param effective every setting as read, secrets masked, in reading order (for the startup log)
 */
public record ScoutConfig(
    Path dataDir,
    Path tempDir,
    String databaseUrl,
    String nodeId,
    ResourceConfig resource,
    PentaractConfig pentaract,
    TelegramConfig telegram,
    HttpConfig http,
    DownloadConfig download,
    QueueConfig queue,
    LogConfig log,
    SafetyConfig safety,
    CleanupConfig cleanup,
    Map<String, String> effective) {

  public ScoutConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(tempDir, "tempDir");
    Objects.requireNonNull(databaseUrl, "databaseUrl");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(pentaract, "pentaract");
    Objects.requireNonNull(telegram, "telegram");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(download, "download");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(safety, "safety");
    Objects.requireNonNull(cleanup, "cleanup");
    effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
  }
}
