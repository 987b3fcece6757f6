package io.scoutbot.download;

import io.scoutbot.config.DownloadConfig;
import io.scoutbot.fetch.FetchProgress;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.Fetched;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.safety.FileNames;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a media page's video or audio with yt-dlp, as a child process writing into the job's
 * {@code media/} directory. Thread-safe; each fetch runs its own process on the calling thread.
 *
 * <h2>The child</h2>
 * yt-dlp runs with its configuration files ignored, no cache, one item (no playlists), the size cap
 * ({@code --max-filesize}), and a proxy it must use for every connection (see {@link GuardProxy}),
 * so the SSRF guard holds for it too. Its output is read line by line: progress lines (printed with
 * {@code --newline} and a {@code --progress-template}) become {@link FetchProgress} calls, the
 * rest is kept for error messages; the finished file's path comes back through {@code
 * --print-to-file}.
 *
 * <h2>Stopping it</h2>
 * The process is killed with every process it started (ffmpeg) when the fetching thread is
 * interrupted (cancel or shutdown), when it prints nothing for DOWNLOAD_YTDLP_TIMEOUT, when its
 * progress passes the cap, or when {@link #close()} is called. A run that failed keeps its partial
 * files for the next attempt (yt-dlp continues them); the job's directory goes when the job ends.
 */
final class MediaDownload implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MediaDownload.class);

  /** What yt-dlp prints when the cap stops it before downloading. */
  private static final String TOO_LARGE = "larger than max-filesize";
  /** Output lines kept for an error message. */
  private static final int KEPT_LINES = 20;
  /** Pages, manifests and retries on top of the file that the proxy lets through. */
  private static final long PROXY_SLACK = 32L << 20;
  private static final String PRINTED = "media.path";
  private static final Object EOF = new Object();

  private final YtDlp ytDlp;
  private final NetGuard guard;
  private final MemoryBudget budget;
  private final DownloadConfig config;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();

  MediaDownload(YtDlp ytDlp, NetGuard guard, MemoryBudget budget, DownloadConfig config) {
    this.ytDlp = ytDlp;
    this.guard = guard;
    this.budget = budget;
    this.config = config;
  }

  /** Whether yt-dlp can be used. */
  boolean available() {
    return ytDlp.found();
  }

  /** Whether {@code url}'s host is one of DOWNLOAD_YTDLP_HOSTS (or a subdomain of one). */
  boolean mediaSite(URI url) {
    String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
    for (String h : config.ytDlpHosts()) {
      if (host.equals(h) || host.endsWith("." + h)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Fetches the media at {@code request}'s URL.
   *
   * @param why what made this a media URL, for messages ("a web page (text/html)")
   */
  Fetched fetch(FetchRequest request, String why) throws InterruptedException {
    URI url = ((JobSource.Url) request.source()).url();
    if (!available()) {
      throw new ScoutFailure("cannot fetch " + Urls.shown(url) + ": it is " + why + ", not a file;"
          + " getting the media out of such pages needs yt-dlp, which is not available here ("
          + ytDlp.status().detail() + "). Ask the operator to install the Debian package "
          + YtDlp.PACKAGE + "; not retried", Disposition.PERMANENT);
    }
    Path dir = request.workDir();
    Path media = dir.resolve(WorkFiles.MEDIA_DIR);
    Path printed = dir.resolve(PRINTED);
    long cap = request.maxBytes();
    try {
      Files.createDirectories(media);
      Files.deleteIfExists(printed);
    } catch (IOException e) {
      throw HttpFailures.write(e, dir, 0);
    }
    try (GuardProxy proxy =
        GuardProxy.start(guard, budget, config.timeout(), cap + Math.max(cap / 10, PROXY_SLACK))) {
      Run run = run(request, url, media, printed, proxy);
      return result(request, url, media, printed, proxy, run);
    } catch (IOException e) {
      throw new ScoutFailure("cannot run yt-dlp for " + Urls.shown(url) + " (" + e.getMessage()
          + "); it is tried again later", Disposition.RETRY, e);
    }
  }

  /** What one yt-dlp run left: its exit code and last lines. */
  private record Run(int exit, List<String> lastLines, boolean tooLarge) {}

  private Run run(FetchRequest request, URI url, Path media, Path printed, GuardProxy proxy)
      throws IOException, InterruptedException {
    long cap = request.maxBytes();
    List<String> cmd = new ArrayList<>(List.of(
        ytDlp.path().toString(), "--ignore-config", "--no-playlist", "--no-cache-dir",
        "--no-mtime", "--newline", "--progress-template", YtDlpProgress.TEMPLATE,
        "--print-to-file", "after_move:%(filepath)s", printed.toString(),
        "-P", media.toString(), "-o", "%(title).100B [%(id)s].%(ext)s",
        "--max-filesize", Long.toString(cap),
        "--socket-timeout", Long.toString(config.timeout().toSeconds()),
        "--proxy", proxy.url(), "--", url.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(request.workDir().toFile())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    // proxies from the environment would route around the guard's proxy
    env.keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("_proxy"));
    log.info("Job {}: fetching {} with yt-dlp", request.jobId(), Urls.shown(url));
    Process p = pb.start();
    running.add(p);
    BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
    Thread reader = Thread.ofVirtual().name("scoutbot-ytdlp-output").start(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process is gone
      } finally {
        lines.add(EOF);
      }
    });
    Deque<String> last = new ArrayDeque<>();
    boolean tooLarge = false;
    Progress progress = new Progress(request.progress());
    try {
      while (true) {
        Object next = lines.poll(config.ytDlpTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
          ProcessTree.kill(p);
          throw new ScoutFailure("cannot fetch " + Urls.shown(url) + ": yt-dlp printed nothing"
              + " for " + config.ytDlpTimeout().toSeconds() + " s (DOWNLOAD_YTDLP_TIMEOUT) and was"
              + " stopped; it is tried again later", Disposition.RETRY);
        }
        if (next == EOF) {
          break;
        }
        String line = (String) next;
        Optional<YtDlpProgress.Sample> sample = YtDlpProgress.parse(line);
        if (sample.isPresent()) {
          if (sample.get().downloaded() > cap) {
            ProcessTree.kill(p);
            tooLarge = true;
            break;
          }
          progress.update(sample.get());
          continue;
        }
        if (line.contains(TOO_LARGE)) {
          tooLarge = true;
        }
        last.addLast(line);
        if (last.size() > KEPT_LINES) {
          last.removeFirst();
        }
      }
      if (!p.waitFor(config.ytDlpTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessTree.kill(p);
      }
      return new Run(p.exitValue(), List.copyOf(last), tooLarge);
    } catch (InterruptedException e) {
      ProcessTree.kill(p);
      throw e;
    } finally {
      if (p.isAlive()) {
        ProcessTree.kill(p);
      }
      running.remove(p);
      reader.join(1000);
    }
  }

  private Fetched result(FetchRequest request, URI url, Path media, Path printed, GuardProxy proxy,
      Run run) {
    long cap = request.maxBytes();
    if (run.tooLarge() || proxy.overLimit()) {
      clear(media);
      throw new ScoutFailure("cannot fetch " + Urls.shown(url) + ": the media is larger than the "
          + (cap >> 20) + " MiB allowed (DOWNLOAD_MAX_MB); nothing was kept and it is not"
          + " retried", Disposition.PERMANENT);
    }
    Path file = printedFile(printed, media);
    if (run.exit() != 0 || file == null) {
      // a refused connection matters only when the run failed: whatever it did fetch came
      // through the proxy, from allowed addresses
      if (proxy.refusal().isPresent()) {
        throw new ScoutFailure("cannot fetch " + Urls.shown(url) + ": the page sends yt-dlp to "
            + proxy.refusal().get(), Disposition.PERMANENT);
      }
      throw failure(url, run);
    }
    try {
      long size = Files.size(file);
      if (size > cap) {
        clear(media);
        throw new ScoutFailure("cannot fetch " + Urls.shown(url) + ": the media is " + size
            + " bytes, more than the " + (cap >> 20) + " MiB allowed (DOWNLOAD_MAX_MB); nothing"
            + " was kept and it is not retried", Disposition.PERMANENT);
      }
      String name = FileNames.sanitise(file.getFileName().toString());
      log.info("Job {}: yt-dlp fetched {} as '{}' ({} bytes)", request.jobId(), Urls.shown(url),
          name, size);
      return new Fetched(file, name, size, URLConnection.guessContentTypeFromName(name));
    } catch (IOException e) {
      throw new ScoutFailure("cannot read the file yt-dlp wrote (" + e.getMessage() + "); it is"
          + " tried again later", Disposition.RETRY, e);
    }
  }

  /** The file yt-dlp said it finished, if it is inside {@code media}. */
  private static Path printedFile(Path printed, Path media) {
    try {
      List<String> lines = Files.readAllLines(printed, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String l = lines.get(i).strip();
        if (l.isEmpty()) {
          continue;
        }
        Path f = media.resolve(l).normalize();
        return f.startsWith(media) && Files.isRegularFile(f) ? f : null;
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A failed run, classified from what yt-dlp said. */
  private static ScoutFailure failure(URI url, Run run) {
    String error = run.lastLines().stream().filter(l -> l.startsWith("ERROR:"))
        .reduce((a, b) -> b).orElse(run.lastLines().isEmpty() ? "no output"
            : run.lastLines().get(run.lastLines().size() - 1));
    String shown = error.length() > 300 ? error.substring(0, 300) + "…" : error;
    String lower = error.toLowerCase(Locale.ROOT);
    String head = "cannot fetch " + Urls.shown(url) + ": yt-dlp ";
    if (lower.contains("unsupported url") || lower.contains("no video formats")
        || lower.contains("no media found") || lower.contains("http error 404")
        || lower.contains("http error 410") || lower.contains("http error 403")
        || lower.contains("private video") || lower.contains("video unavailable")
        || lower.contains("sign in") || lower.contains("login required")) {
      return new ScoutFailure(head + "found no media it can fetch there (" + shown + "); not"
          + " retried", Disposition.PERMANENT);
    }
    return new ScoutFailure(head + "failed (exit " + run.exit() + ": " + shown + "); it is tried"
        + " again later", Disposition.RETRY);
  }

  private static void clear(Path media) {
    try (var files = Files.list(media)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // the job's directory goes as a whole when the job ends
    }
  }

  /** Kills every yt-dlp still running (shutdown). */
  @Override
  public void close() {
    for (Process p : List.copyOf(running)) {
      ProcessTree.kill(p);
    }
  }

  /** Turns yt-dlp's per-file counts into the job's progress. */
  private static final class Progress {
    private final FetchProgress progress;
    private long reported;
    private long expected = -1;

    Progress(FetchProgress progress) {
      this.progress = progress;
      progress.restart(0);
    }

    void update(YtDlpProgress.Sample s) {
      if (s.downloaded() < reported) {
        // the next file of a format merge (video, then audio) counts from its own start
        progress.restart(s.downloaded());
        reported = s.downloaded();
      } else if (s.downloaded() > reported) {
        progress.advance(s.downloaded() - reported);
        reported = s.downloaded();
      }
      if (s.total() >= 0 && s.total() != expected) {
        expected = s.total();
        progress.expect(expected);
      }
    }
  }
}
