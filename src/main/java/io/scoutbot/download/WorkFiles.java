package io.scoutbot.download;

import io.scoutbot.fetch.Fetched;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What a fetch keeps in its job's directory between attempts, as small properties files written
 * whole and renamed into place: the state of a partial download (to resume it) and the record of a
 * finished fetch (so a retry whose upload failed does not fetch again). Stateless.
 *
 * <p>Layout of a job directory: {@code download.part} and {@code download.state} while a direct
 * download is under way, {@code download/<name>} once it is complete, {@code media/} for yt-dlp,
 * and {@code fetched.properties} once either finished.
 */
final class WorkFiles {

  static final String PART = "download.part";
  static final String STATE = "download.state";
  static final String DONE_DIR = "download";
  static final String MEDIA_DIR = "media";
  static final String FETCHED = "fetched.properties";

  private WorkFiles() {}

  /**
   * A partial download's state.
   *
   * @param url the URL the job was given (a state for another URL is not resumed)
   * @param validator the strong ETag or Last-Modified date to send in If-Range; null: cannot resume
   * @param total the file's full size, or -1 if unknown
   * @param name the name chosen for the file
   * @param mimeType its content type, or null
   */
  record Partial(String url, String validator, long total, String name, String mimeType) {
    boolean resumable() {
      return validator != null;
    }
  }

  static Optional<Partial> readPartial(Path dir, String url) {
    Properties p = read(dir.resolve(STATE));
    if (p == null || !url.equals(p.getProperty("url"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Partial(url, p.getProperty("validator"),
          Long.parseLong(p.getProperty("total", "-1")), p.getProperty("name", "download"),
          p.getProperty("type")));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static void writePartial(Path dir, Partial s) throws IOException {
    Properties p = new Properties();
    p.setProperty("url", s.url());
    if (s.validator() != null) {
      p.setProperty("validator", s.validator());
    }
    p.setProperty("total", Long.toString(s.total()));
    p.setProperty("name", s.name());
    if (s.mimeType() != null) {
      p.setProperty("type", s.mimeType());
    }
    write(dir.resolve(STATE), p);
  }

  /** The finished fetch recorded in {@code dir}, if its file is still there whole. */
  static Optional<Fetched> readFetched(Path dir) {
    Properties p = read(dir.resolve(FETCHED));
    if (p == null) {
      return Optional.empty();
    }
    try {
      Path file = dir.resolve(p.getProperty("file", "")).normalize();
      long size = Long.parseLong(p.getProperty("size", "-1"));
      if (!file.startsWith(dir) || !Files.isRegularFile(file) || Files.size(file) != size) {
        return Optional.empty();
      }
      return Optional.of(new Fetched(file, p.getProperty("name", "download"), size,
          p.getProperty("type")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static void writeFetched(Path dir, Fetched f) throws IOException {
    Properties p = new Properties();
    p.setProperty("file", dir.relativize(f.file()).toString());
    p.setProperty("name", f.name());
    p.setProperty("size", Long.toString(f.size()));
    if (f.mimeType() != null) {
      p.setProperty("type", f.mimeType());
    }
    write(dir.resolve(FETCHED), p);
  }

  /** Deletes {@code names} in {@code dir}, quietly: they are only leftovers. */
  static void delete(Path dir, String... names) {
    for (String n : names) {
      try {
        Files.deleteIfExists(dir.resolve(n));
      } catch (IOException e) {
        // the job's directory goes as a whole when the job ends
      }
    }
  }

  private static Properties read(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Properties p = new Properties();
      p.load(r);
      return p;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static void write(Path file, Properties p) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, null);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
