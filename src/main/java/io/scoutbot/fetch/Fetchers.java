package io.scoutbot.fetch;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.util.Map;
import java.util.Objects;

/**
 * The fetchers of one process, by source kind: the one place a new kind of source plugs in. A kind
 * without a fetcher fails its jobs with a message saying so. Immutable and thread-safe.
 */
public final class Fetchers implements Fetcher {

  private final Map<String, Fetcher> byKind;
  private final Map<String, String> missing;

  private Fetchers(Map<String, Fetcher> byKind, Map<String, String> missing) {
    this.byKind = Map.copyOf(byKind);
    this.missing = Map.copyOf(missing);
  }

  /** Local files only; URL and Telegram sources fail as not available in this build. */
  public static Fetchers localOnly() {
    return new Fetchers(Map.of("local_file", new LocalFileFetcher()), Map.of(
        "url", "fetching URLs is not available yet in this version of ScoutBot",
        "telegram", "receiving files from Telegram is not available yet in this version of"
            + " ScoutBot"));
  }

  /** These fetchers plus {@code fetcher} for sources of {@code kind}. */
  public Fetchers with(String kind, Fetcher fetcher) {
    Objects.requireNonNull(fetcher, "fetcher");
    Map<String, Fetcher> f = new java.util.HashMap<>(byKind);
    f.put(kind, fetcher);
    Map<String, String> m = new java.util.HashMap<>(missing);
    m.remove(kind);
    return new Fetchers(f, m);
  }

  /** Whether sources of {@code kind} can be fetched by this process. */
  public boolean supports(String kind) {
    return byKind.containsKey(kind);
  }

  @Override
  public Fetched fetch(FetchRequest request) throws InterruptedException {
    String kind = request.source().kind();
    Fetcher f = byKind.get(kind);
    if (f == null) {
      throw new ScoutFailure(missing.getOrDefault(kind, "no fetcher for " + kind + " sources")
          + "; this job cannot run", Disposition.PERMANENT);
    }
    return f.fetch(request);
  }
}
