package io.scoutbot.app;

import io.scoutbot.config.ScoutConfig;
import io.scoutbot.download.UrlFetcher;
import io.scoutbot.download.YtDlp;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.Fetched;
import io.scoutbot.fetch.Fetcher;
import io.scoutbot.files.StatusReport;
import io.scoutbot.resource.MemoryBudget;
import java.util.Map;
import java.util.Optional;

/**
 * The URL fetcher, built — and yt-dlp looked for, which runs it once — at {@code serve}'s start or
 * at the first URL job of a one-shot command, never by commands that fetch nothing. Thread-safe.
 */
final class UrlFetching implements Fetcher, AutoCloseable {

  private final ScoutConfig config;
  private final MemoryBudget budget;
  private final Map<String, String> env;
  private UrlFetcher fetcher;
  private YtDlp ytDlp;
  private boolean closed;

  UrlFetching(ScoutConfig config, MemoryBudget budget, Map<String, String> env) {
    this.config = config;
    this.budget = budget;
    this.env = Map.copyOf(env);
  }

  /** Builds the fetcher now (for {@code serve}, so the startup log and status say what it found). */
  synchronized UrlFetcher start() {
    if (closed) {
      throw new IllegalStateException("URL fetching is stopped");
    }
    if (fetcher == null) {
      ytDlp = YtDlp.detect(config.download(), env);
      fetcher = UrlFetcher.create(config.download(), budget,
          config.resource().streamingChunkSize(), ytDlp);
    }
    return fetcher;
  }

  @Override
  public Fetched fetch(FetchRequest request) throws InterruptedException {
    return start().fetch(request);
  }

  /** yt-dlp as the status report shows it, once looked for. */
  synchronized Optional<StatusReport.Health> ytDlpHealth() {
    if (ytDlp == null) {
      return Optional.empty();
    }
    YtDlp.Status s = ytDlp.status();
    return Optional.of(new StatusReport.Health("yt-dlp", s.found(), s.found()
        ? "yt-dlp " + s.version() + " at " + s.path() + ": media pages can be fetched"
        : s.detail()));
  }

  /** Stops fetching: a yt-dlp still running is killed with its children. */
  @Override
  public synchronized void close() {
    closed = true;
    if (fetcher != null) {
      fetcher.close();
    }
  }
}
