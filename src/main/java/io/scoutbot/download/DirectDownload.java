package io.scoutbot.download;

import io.scoutbot.config.DownloadConfig;
import io.scoutbot.fetch.FetchProgress;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.Fetched;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.transfer.ChunkedCopy;
import io.scoutbot.transfer.InterruptWatch;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.cookie.BasicCookieStore;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.io.CloseMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at downloading a URL as a file into its job's directory, on the calling thread.
 * Thread-safe: holds no per-download state.
 *
 * <h2>Bytes</h2>
 * The body streams through one buffer reserved from the memory budget into {@code download.part};
 * memory never depends on the file's size. The size cap holds twice: an announced size above it
 * is refused before a byte is read, and a body that runs on (no Content-Length, or chunked) is cut
 * at exactly the cap, with nothing past it written and the partial file removed.
 *
 * <h2>Redirects and the guard</h2>
 * Redirects are followed here, at most {@link #MAX_REDIRECTS}, each hop a new request whose scheme
 * and addresses pass the {@link NetGuard} again (HttpClient's own redirect handling is off).
 *
 * <h2>Resume</h2>
 * When the server offers ranges ({@code Accept-Ranges: bytes}) and a validator (a strong ETag, else
 * Last-Modified), the partial file and its state survive a failed attempt; the next attempt asks
 * for the rest with {@code Range} and {@code If-Range}. A server that answers 200 instead (the file
 * changed, or it ignores ranges) is downloaded again from the start. Without a validator the partial
 * file is useless and is removed at once.
 *
 * <h2>Time</h2>
 * Connect and idle timeouts (DOWNLOAD_TIMEOUT) and a minimum average speed
 * (DOWNLOAD_MIN_BYTES_PER_SECOND) bound a stuck or trickling server; nothing caps a whole transfer.
 * Interrupting the thread aborts the request at once.
 */
final class DirectDownload {

  private static final Logger log = LoggerFactory.getLogger(DirectDownload.class);

  static final int MAX_REDIRECTS = 10;

  /** Answers that are pages for a media tool to read, not files to store. */
  private static final Set<String> PAGE_TYPES =
      Set.of("text/html", "application/xhtml+xml", "application/vnd.apple.mpegurl",
          "application/x-mpegurl", "audio/mpegurl", "audio/x-mpegurl", "application/dash+xml");

  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);

  /** What an attempt came to. */
  sealed interface Outcome {
    /** The file is complete in the job's directory. */
    record Done(Fetched fetched) implements Outcome {}

    /** The URL is a page (HTML, a playlist), not a file; a media tool may find one in it. */
    record Page(URI url, String mimeType) implements Outcome {}
  }

  private final CloseableHttpClient http;
  private final NetGuard guard;
  private final MemoryBudget budget;
  private final int chunkSize;
  private final DownloadConfig config;
  private final InstantSource clock;
  private final LongSupplier nanos;

  DirectDownload(CloseableHttpClient http, NetGuard guard, MemoryBudget budget, int chunkSize,
      DownloadConfig config, InstantSource clock, LongSupplier nanos) {
    this.http = http;
    this.guard = guard;
    this.budget = budget;
    this.chunkSize = chunkSize;
    this.config = config;
    this.clock = clock;
    this.nanos = nanos;
  }

  /** Downloads {@code request}'s URL, resuming what an earlier attempt left when it can. */
  Outcome fetch(FetchRequest request) throws InterruptedException {
    URI url = ((JobSource.Url) request.source()).url();
    Path dir = request.workDir();
    guard.checkUrl(url);
    WorkFiles.Partial partial =
        WorkFiles.readPartial(dir, url.toString()).filter(WorkFiles.Partial::resumable)
            .orElse(null);
    long offset = partial == null ? 0 : sizeOf(dir.resolve(WorkFiles.PART));
    if (partial == null || offset <= 0 || offset > request.maxBytes()) {
      discard(dir);
      partial = null;
      offset = 0;
    }
    try {
      return attempt(request, url, partial, offset);
    } catch (StartOver e) {
      log.info("Job {}: the partial download of {} cannot be resumed ({}); starting over",
          request.jobId(), Urls.shown(url), e.getMessage());
      discard(dir);
      try {
        return attempt(request, url, null, 0);
      } catch (StartOver again) {
        discard(dir);
        throw new ScoutFailure("cannot fetch " + Urls.shown(url) + ": the server answered with a"
            + " part of the file that was not asked for (" + again.getMessage() + "); it is tried"
            + " again later", Disposition.RETRY);
      }
    }
  }

  private Outcome attempt(FetchRequest request, URI url, WorkFiles.Partial partial, long offset)
      throws InterruptedException {
    HttpClientContext context = HttpClientContext.create();
    // cookies set along a redirect chain (download pages do that) live for this download only
    context.setCookieStore(new BasicCookieStore());
    URI current = url;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      guard.checkUrl(current);
      HttpGet get = new HttpGet(current);
      if (partial != null) {
        get.setHeader("Range", "bytes=" + offset + "-");
        get.setHeader("If-Range", partial.validator());
      }
      try (InterruptWatch watch = InterruptWatch.onInterrupt("scoutbot-download-cancel",
          get::cancel)) {
        CloseableHttpResponse response = null;
        boolean drained = false;
        try {
          response = (CloseableHttpResponse) http.executeOpen(null, get, context);
          int code = response.getCode();
          if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
            current = redirect(current, response);
            continue;
          }
          if (code == 416 && partial != null) {
            return complete(request, partial, offset, response);
          }
          if (code != 200 && code != 206) {
            Header retryAfter = response.getFirstHeader("Retry-After");
            throw HttpFailures.status(code, response.getReasonPhrase(),
                retryAfter == null ? null : retryAfter.getValue(), current, clock);
          }
          Outcome outcome = body(request, url, current, response, partial, offset, watch);
          drained = outcome instanceof Outcome.Done;
          return outcome;
        } catch (IOException e) {
          if (watch.fired() || Thread.currentThread().isInterrupted()) {
            throw cancelled(request, partial != null);
          }
          throw HttpFailures.io(e, current, offset, partial != null, config.timeout());
        } finally {
          close(response, drained);
        }
      }
    }
    throw new ScoutFailure("cannot fetch " + Urls.shown(url) + ": more than " + MAX_REDIRECTS
        + " redirects; not retried", Disposition.PERMANENT);
  }

  /**
   * Closes a response: one read to its end keeps its connection for reuse; any other is dropped at
   * once, since draining it could mean reading an endless body.
   */
  private static void close(CloseableHttpResponse response, boolean drained) {
    if (response == null) {
      return;
    }
    try {
      if (drained) {
        response.close();
      } else {
        response.close(CloseMode.IMMEDIATE);
      }
    } catch (IOException e) {
      // the connection is gone either way
    }
  }

  private static URI redirect(URI from, ClassicHttpResponse response) {
    Header location = response.getFirstHeader("Location");
    if (location == null || location.getValue().isBlank()) {
      throw new ScoutFailure("cannot fetch " + Urls.shown(from) + ": the server redirected"
          + " without saying where (HTTP " + response.getCode() + "); not retried",
          Disposition.PERMANENT);
    }
    try {
      return from.resolve(location.getValue().strip());
    } catch (IllegalArgumentException e) {
      throw new ScoutFailure("cannot fetch " + Urls.shown(from) + ": the server redirected to an"
          + " invalid URL; not retried", Disposition.PERMANENT, e);
    }
  }

  /** A 416 to a resume: the partial file may hold the whole file already. */
  private Outcome complete(FetchRequest request, WorkFiles.Partial partial, long offset,
      ClassicHttpResponse response) {
    ContentRange range = ContentRange.parse(header(response, "Content-Range"));
    if (range == null || range.total != offset) {
      throw new StartOver("the server refused the range request (HTTP 416)");
    }
    Path dir = request.workDir();
    request.progress().restart(offset);
    request.progress().expect(offset);
    return new Outcome.Done(finish(dir, partial.name(), offset, partial.mimeType()));
  }

  private Outcome body(FetchRequest request, URI url, URI current, ClassicHttpResponse response,
      WorkFiles.Partial partial, long offset, InterruptWatch watch) throws InterruptedException {
    Path dir = request.workDir();
    HttpEntity entity = response.getEntity();
    String mime = mimeType(entity);
    String disposition = header(response, "Content-Disposition");
    boolean attachment =
        disposition != null && disposition.strip().toLowerCase(Locale.ROOT).startsWith("attachment");
    if (mime != null && PAGE_TYPES.contains(mime) && !attachment) {
      return new Outcome.Page(current, mime);
    }
    long start;
    long total;
    String name;
    if (response.getCode() == 206) {
      ContentRange range = ContentRange.parse(header(response, "Content-Range"));
      if (partial == null || range == null || range.first != offset
          || (range.total >= 0 && partial.total() >= 0 && range.total != partial.total())) {
        throw new StartOver("the server sent another part of the file than asked for");
      }
      start = offset;
      total = range.total;
      name = partial.name();
    } else {
      start = 0;
      total = entity == null ? 0 : entity.getContentLength();
      name = DownloadNames.choose(disposition, current, url, request.name(), mime);
    }
    long cap = request.maxBytes();
    if (total > cap) {
      discard(dir);
      throw tooLarge(url, cap, "the file is " + total + " bytes");
    }
    boolean ranges = response.getCode() == 206
        || "bytes".equalsIgnoreCase(header(response, "Accept-Ranges"));
    String validator = ranges ? validator(response) : null;
    boolean resumable = validator != null;
    FetchProgress progress = request.progress();
    long[] written = {0};
    try {
      WorkFiles.writePartial(dir,
          new WorkFiles.Partial(url.toString(), validator, total, name, mime));
    } catch (IOException e) {
      discard(dir);
      throw HttpFailures.write(e, dir, start);
    }
    progress.restart(start);
    if (total >= 0) {
      progress.expect(total);
    }
    Path part = dir.resolve(WorkFiles.PART);
    try (MemoryBudget.Permit permit =
            budget.reserveUpTo(chunkSize, Math.min(chunkSize, MemoryBudget.MIN_BUFFER));
        OutputStream out = WriteFailures.open(part, start > 0)) {
      InputStream in = entity == null ? InputStream.nullInputStream()
          : new SlowSource(entity.getContent(), config.minBytesPerSecond(), config.timeout(),
              nanos);
      long limit = cap - start;
      long n = ChunkedCopy.copy(in, out, permit.buffer(), limit, null, bytes -> {
        written[0] += bytes;
        progress.advance(bytes);
      });
      if (n == limit && in.read() >= 0) {
        // the source runs on past the cap: what it announced (if anything) was false
        out.close();
        discard(dir);
        throw tooLarge(url, cap, "the server sent more");
      }
    } catch (WriteFailed e) {
      discard(dir);
      throw HttpFailures.write(e.getCause() instanceof IOException io ? io : e, dir,
          start + written[0]);
    } catch (IOException e) {
      if (watch.fired() || Thread.currentThread().isInterrupted()) {
        throw cancelled(request, resumable);
      }
      if (!resumable) {
        discard(dir);
      }
      throw HttpFailures.io(e, current, start + written[0], resumable, config.timeout());
    }
    long size = start + written[0];
    if (total >= 0 && size != total) {
      if (!resumable) {
        discard(dir);
      }
      throw HttpFailures.io(new IOException("the body ended at " + size + " of " + total
          + " bytes"), current, size, resumable, config.timeout());
    }
    return new Outcome.Done(finish(dir, name, size, mime));
  }

  /** Moves the complete part file to its final place and forgets the partial state. */
  private static Fetched finish(Path dir, String name, long size, String mime) {
    Path done = dir.resolve(WorkFiles.DONE_DIR).resolve(name);
    try {
      Files.createDirectories(done.getParent());
      Files.move(dir.resolve(WorkFiles.PART), done, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      discard(dir);
      throw HttpFailures.write(e, dir, size);
    }
    WorkFiles.delete(dir, WorkFiles.STATE);
    return new Fetched(done, name, size, mime);
  }

  private InterruptedException cancelled(FetchRequest request, boolean resumable) {
    if (!resumable) {
      discard(request.workDir());
    }
    Thread.interrupted();
    return new InterruptedException("download of job " + request.jobId() + " cancelled");
  }

  private static ScoutFailure tooLarge(URI url, long cap, String what) {
    return new ScoutFailure("cannot fetch " + Urls.shown(url) + ": " + what + ", more than the "
        + mib(cap) + " allowed (DOWNLOAD_MAX_MB); nothing was kept and it is not retried",
        Disposition.PERMANENT);
  }

  private static String mib(long bytes) {
    return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
  }

  /** Removes a partial download and its state. */
  static void discard(Path dir) {
    WorkFiles.delete(dir, WorkFiles.PART, WorkFiles.STATE);
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String mimeType(HttpEntity entity) {
    if (entity == null || entity.getContentType() == null) {
      return null;
    }
    try {
      return ContentType.parse(entity.getContentType()).getMimeType().toLowerCase(Locale.ROOT);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The strong ETag, else Last-Modified: what If-Range may carry; null when neither. */
  private static String validator(ClassicHttpResponse response) {
    String etag = header(response, "ETag");
    if (etag != null && etag.startsWith("\"")) {
      return etag;
    }
    return header(response, "Last-Modified");
  }

  private static String header(ClassicHttpResponse response, String name) {
    Header h = response.getFirstHeader(name);
    return h == null ? null : h.getValue();
  }

  /** A Content-Range header: {@code first} is -1 for {@code bytes *}, {@code total} -1 for {@code /*}. */
  record ContentRange(long first, long last, long total) {
    static ContentRange parse(String header) {
      if (header == null) {
        return null;
      }
      Matcher m = CONTENT_RANGE.matcher(header.strip());
      if (!m.matches()) {
        return null;
      }
      try {
        long first = m.group(1) == null ? -1 : Long.parseLong(m.group(1));
        long last = m.group(2) == null ? -1 : Long.parseLong(m.group(2));
        long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
        return new ContentRange(first, last, total);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /** The partial file cannot be continued; the caller starts over once. */
  private static final class StartOver extends RuntimeException {
    StartOver(String why) {
      super(why, null, false, false);
    }
  }

  /** A write to the temp file failed (as opposed to a read from the network). */
  private static final class WriteFailed extends IOException {
    WriteFailed(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Tags write failures, so a full disk is told apart from a dropped connection. */
  private static final class WriteFailures extends FilterOutputStream {
    private WriteFailures(OutputStream out) {
      super(out);
    }

    /** Opens {@code part} for writing, appending or from the start. */
    static OutputStream open(Path part, boolean append) throws WriteFailed {
      try {
        return new WriteFailures(Files.newOutputStream(part, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING));
      } catch (IOException e) {
        throw new WriteFailed(e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw new WriteFailed(e);
      }
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw new WriteFailed(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } catch (IOException e) {
        throw new WriteFailed(e);
      }
    }
  }
}
