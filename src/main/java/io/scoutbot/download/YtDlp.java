package io.scoutbot.download;

import io.scoutbot.config.DownloadConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether yt-dlp is there to fetch media pages, found once at startup: DOWNLOAD_YTDLP's path, else
 * {@code yt-dlp} on PATH, asked for its version. Immutable once detected; {@link #status()} is what
 * {@code status} shows.
 */
public final class YtDlp {

  private static final Logger log = LoggerFactory.getLogger(YtDlp.class);

  /** The Debian package to install, named in every message about a missing yt-dlp. */
  public static final String PACKAGE = "yt-dlp";

  /** How long {@code yt-dlp --version} may take (a cold Python start on a slow disk). */
  private static final long VERSION_TIMEOUT_SECONDS = 20;

  /**
   * What detection found, for the status report. Immutable.
   *
   * @param found whether media pages can be fetched
   * @param version yt-dlp's version (e.g. {@code 2023.03.04}), or null
   * @param path the executable, or null when none was found
   * @param detail why it is not usable, or "" when it is
   */
  public record Status(boolean found, String version, Path path, String detail) {
    public Status {
      Objects.requireNonNull(detail, "detail");
    }
  }

  private final Status status;

  private YtDlp(Status status) {
    this.status = status;
  }

  /**
   * Looks for yt-dlp as {@code config} says, in {@code env}'s PATH, and runs it once for its
   * version (blocks up to 20 s). Logs what it found.
   */
  public static YtDlp detect(DownloadConfig config, Map<String, String> env) {
    YtDlp y = new YtDlp(find(config, env));
    Status s = y.status;
    if (s.found()) {
      log.info("yt-dlp {} found at {}: media pages can be fetched", s.version(), s.path());
    } else {
      log.info("yt-dlp is not available ({}); URLs of media pages will fail until it is", s.detail());
    }
    return y;
  }

  /** No yt-dlp, for the reason given (tests, or a build that never looks). */
  public static YtDlp absent(String why) {
    return new YtDlp(new Status(false, null, null, why));
  }

  /** yt-dlp at {@code path} with a known version, without running it (tests). */
  static YtDlp at(Path path, String version) {
    return new YtDlp(new Status(true, version, path, ""));
  }

  public Status status() {
    return status;
  }

  boolean found() {
    return status.found();
  }

  Path path() {
    return status.path();
  }

  private static Status find(DownloadConfig config, Map<String, String> env) {
    if (!config.ytDlpEnabled()) {
      return new Status(false, null, null, "turned off with DOWNLOAD_YTDLP=off");
    }
    Path exe = config.ytDlpPath();
    if (exe == null) {
      exe = onPath(env.get("PATH"), "yt-dlp");
      if (exe == null) {
        return new Status(false, null, null, "no yt-dlp on PATH; install the Debian package "
            + PACKAGE + " (apt install " + PACKAGE + ") or set DOWNLOAD_YTDLP to its path");
      }
    } else if (!Files.isRegularFile(exe) || !Files.isExecutable(exe)) {
      return new Status(false, null, exe, "DOWNLOAD_YTDLP=" + exe + " is not an executable file");
    }
    return version(exe);
  }

  private static Path onPath(String path, String name) {
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      try {
        Path p = Path.of(dir).resolve(name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p.toAbsolutePath();
        }
      } catch (InvalidPathException e) {
        // a PATH entry that is not a path names nothing
      }
    }
    return null;
  }

  private static Status version(Path exe) {
    Process p = null;
    Path out = null;
    try {
      // into a file, not a pipe: a child that hangs with its pipe open would block the read past
      // any timeout
      out = Files.createTempFile("scoutbot-ytdlp-version", ".txt");
      p = new ProcessBuilder(exe.toString(), "--ignore-config", "--version")
          .redirectErrorStream(true)
          .redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      if (!p.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        return new Status(false, null, exe, exe + " --version did not answer within "
            + VERSION_TIMEOUT_SECONDS + " s");
      }
      String first;
      try (InputStream in = Files.newInputStream(out)) {
        first = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip().lines()
            .findFirst().orElse("");
      }
      if (p.exitValue() != 0 || first.isEmpty()) {
        return new Status(false, null, exe, exe + " --version failed (exit " + p.exitValue()
            + "): " + first);
      }
      return new Status(true, first, exe, "");
    } catch (IOException e) {
      return new Status(false, null, exe, "cannot run " + exe + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Status(false, null, exe, "interrupted while asking " + exe + " for its version");
    } finally {
      if (p != null && p.isAlive()) {
        ProcessTree.kill(p);
      }
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a few bytes in the system's temp directory
        }
      }
    }
  }
}
