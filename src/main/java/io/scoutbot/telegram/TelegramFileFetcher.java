package io.scoutbot.telegram;

import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.Fetched;
import io.scoutbot.fetch.Fetcher;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.transfer.ChunkedCopy;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.GetFile;
import org.telegram.telegrambots.meta.api.objects.File;

/**
 * The {@link Fetcher} for {@link JobSource.TelegramFile}: asks the Bot API where the file is
 * ({@code getFile}) and copies it into the job's directory through one buffer from the {@link
 * MemoryBudget}. Thread-safe; blocks the calling worker, which has already passed the gate and
 * holds a work slot.
 *
 * <p>Where the bytes come from depends on the answer's {@code file_path}: the cloud Bot API gives a
 * relative path, downloaded from {@code {BASE}/file/bot<token>/<file_path>}; a self-hosted {@code
 * telegram-bot-api --local} gives an absolute path on its own disk, read directly (it serves no
 * downloads). The local server and ScoutBot then must see the same directory: a missing or
 * unreadable path is reported with what to share. Every attempt starts over (a file link lasts
 * about an hour, so a retry asks getFile again); an interrupt cancels the transfer, removes the
 * partial copy and throws {@link InterruptedException}.
 */
public final class TelegramFileFetcher implements Fetcher {

  private static final Logger log = LoggerFactory.getLogger(TelegramFileFetcher.class);

  private final BotApi api;
  private final MemoryBudget budget;
  private final int chunkSize;

  /**
   * @param chunkSize the preferred buffer (RESOURCE_STREAMING_CHUNK_SIZE); less when the budget
   *     is short
   */
  public TelegramFileFetcher(BotApi api, MemoryBudget budget, int chunkSize) {
    this.api = Objects.requireNonNull(api, "api");
    this.budget = Objects.requireNonNull(budget, "budget");
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
    }
    this.chunkSize = chunkSize;
  }

  @Override
  public Fetched fetch(FetchRequest request) throws InterruptedException {
    if (!(request.source() instanceof JobSource.TelegramFile source)) {
      throw new IllegalArgumentException("not a Telegram file: " + request.source().kind());
    }
    // a local server downloads the file from Telegram before it answers getFile
    Duration wait = BotApi.answerWait(api.limits().localApi() ? request.maxBytes() : 0);
    File file = api.call("getfile", api.client(wait),
        c -> c.executeAsync(GetFile.builder().fileId(source.fileId()).build()));
    String path = file.getFilePath();
    if (path == null || path.isBlank()) {
      throw new ScoutFailure("Telegram has no copy of " + request.name() + " to hand out right now "
          + "(getFile gave no file_path); it will be tried again", Disposition.RETRY);
    }
    long announced = file.getFileSize() == null ? -1 : file.getFileSize();
    if (announced > request.maxBytes()) {
      throw tooLarge(request, announced);
    }
    if (announced >= 0) {
      request.progress().expect(announced);
    }
    String name = displayName(request.name(), path);
    Path target = request.workDir().resolve(localName(name));
    if (Files.exists(target)) {
      request.progress().restart(0);
    }
    long copied = path.startsWith("/")
        ? copyLocal(Path.of(path), target, request)
        : download(path, target, request);
    if (announced >= 0 && copied != announced) {
      deleteQuietly(target);
      throw new ScoutFailure("the download of " + request.name() + " ended after " + copied
          + " of " + announced + " bytes; it will be tried again", Disposition.RETRY);
    }
    log.debug("Fetched Telegram file {} for job {} ({} bytes, {})", name, request.jobId(), copied,
        path.startsWith("/") ? "read from the local Bot API server's disk" : "downloaded");
    return new Fetched(target, name, copied, null);
  }

  /** A local server's file, read in place: ScoutBot must see the server's directory. */
  private long copyLocal(Path source, Path target, FetchRequest request)
      throws InterruptedException {
    InputStream in;
    try {
      in = Files.newInputStream(source);
    } catch (NoSuchFileException e) {
      throw new ScoutFailure("the self-hosted Bot API server keeps " + request.name() + " at "
          + source + ", but ScoutBot cannot see that path. Run ScoutBot where the server's "
          + "--dir is visible at the same path (the same host, or the same volume mounted at the "
          + "same path in both containers)", Disposition.PERMANENT, e);
    } catch (AccessDeniedException e) {
      throw new ScoutFailure("the self-hosted Bot API server keeps " + request.name() + " at "
          + source + ", but ScoutBot may not read it (permission denied). Run both as the same "
          + "user, or give ScoutBot's user read access to the server's --dir (e.g. a shared "
          + "group)", Disposition.PERMANENT, e);
    } catch (IOException e) {
      throw new ScoutFailure("cannot read " + source + " from the self-hosted Bot API server's "
          + "directory (" + e.getMessage() + ")", Disposition.PERMANENT, e);
    }
    try (in) {
      return copy(in, target, request, e -> new ScoutFailure("reading " + source + " from the "
          + "self-hosted Bot API server's directory failed (" + e.getMessage() + "); it will be "
          + "tried again", Disposition.RETRY, e));
    } catch (IOException e) {
      throw new ScoutFailure("cannot close " + source + " (" + e.getMessage() + ")",
          Disposition.RETRY, e);
    }
  }

  /** A cloud file, downloaded over HTTP. */
  private long download(String filePath, Path target, FetchRequest request)
      throws InterruptedException {
    try (BotApi.Download d = api.download(filePath)) {
      long length = d.response().body().contentLength();
      if (length > request.maxBytes()) {
        throw tooLarge(request, length);
      }
      if (length >= 0) {
        request.progress().expect(length);
      }
      return copy(d.response().body().byteStream(), target, request,
          e -> api.failures().io("download", e));
    }
  }

  /**
   * Copies at most one byte past the cap (to tell that it was passed) through one buffer.
   *
   * @param readFailure classifies a failure to read the source
   */
  private long copy(InputStream in, Path target, FetchRequest request,
      Function<IOException, ScoutFailure> readFailure) throws InterruptedException {
    long copied;
    try (MemoryBudget.Permit permit =
            budget.reserveUpTo(chunkSize, Math.min(chunkSize, MemoryBudget.MIN_BUFFER));
        OutputStream out = new LocalWrites(Files.newOutputStream(target,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE))) {
      copied = ChunkedCopy.copy(in, out, permit.buffer(), request.maxBytes() + 1, null,
          request.progress());
    } catch (IOException e) {
      deleteQuietly(target);
      // the copy loop and the interrupt watch keep the flag set (a read timeout is no cancel)
      if (Thread.interrupted()) {
        throw new InterruptedException("fetch of " + request.name() + " cancelled");
      }
      if (e instanceof LocalWrites.Failed w) {
        throw new ScoutFailure("cannot write " + target + " (" + w.getCause().getMessage()
            + "); it will be tried again", Disposition.RETRY, w.getCause());
      }
      throw readFailure.apply(e);
    }
    if (copied > request.maxBytes()) {
      deleteQuietly(target);
      throw tooLarge(request, -1);
    }
    return copied;
  }

  /** Marks failures of the local file, so they are not taken for the source's. */
  private static final class LocalWrites extends FilterOutputStream {
    static final class Failed extends IOException {
      Failed(IOException cause) {
        super(cause);
      }
    }

    LocalWrites(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw new Failed(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } catch (IOException e) {
        throw new Failed(e);
      }
    }
  }

  /**
   * @param size the size the source announced, or -1 when it sent more than the cap
   */
  private static ScoutFailure tooLarge(FetchRequest request, long size) {
    return new ScoutFailure(request.name() + " is " + (size >= 0 ? TelegramLimits.size(size)
        : "larger than " + TelegramLimits.size(request.maxBytes())) + ", more than the "
        + TelegramLimits.size(request.maxBytes()) + " this job may fetch", Disposition.PERMANENT);
  }

  /** The user's name for the file, without path parts; else the last part of Telegram's path. */
  static String displayName(String requested, String filePath) {
    String n = lastPart(requested).replaceAll("\\p{Cntrl}", "").strip();
    if (n.isEmpty() || n.equals(".") || n.equals("..")) {
      n = lastPart(filePath).replaceAll("\\p{Cntrl}", "").strip();
    }
    return n.isEmpty() || n.equals(".") || n.equals("..") ? "telegram-file" : n;
  }

  /** A fixed, safe name inside the job's directory, keeping a short extension. */
  static String localName(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return ext.matches("[a-z0-9]{1,10}") ? "telegram-file." + ext : "telegram-file";
  }

  private static String lastPart(String s) {
    int cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
    return s.substring(cut + 1);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.debug("Could not remove the partial copy {}: {}", p, e.getMessage());
    }
  }
}
