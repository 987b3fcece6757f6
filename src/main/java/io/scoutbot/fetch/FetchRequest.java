package io.scoutbot.fetch;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One fetch: which source, for which job, into which directory, within which size. Immutable.
 *
 * @param jobId the job fetching (for log lines and temp names)
 * @param name the name the user knows the file by so far (a Telegram document's name, or one
 *     derived from the URL); a fetcher may learn a better one (Content-Disposition)
 * @param workDir the job's own directory; created by the caller, deleted when the job ends
 * @param maxBytes the most bytes the fetched file may have
 */
public record FetchRequest(
    long jobId, JobSource source, String name, Path workDir, long maxBytes,
    FetchProgress progress) {

  public FetchRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(progress, "progress");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
  }
}
