package io.scoutbot.storage.pentaract;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.message.BasicNameValuePair;

/**
 * The {@code multipart/form-data} body of one {@code upload_to} request: the {@code path} field, then
 * the {@code file} part streamed from its {@link Content}, with a Content-Length known in advance.
 * Repeatable: every {@link #writeTo} starts the content over, which is how a retry resends it.
 *
 * <p>Sockets have no write timeout, so while the body is written a watchdog aborts the request when
 * no bytes leave for the idle timeout (a server that stopped reading). Writes go out in pieces of at
 * most {@link #PIECE} bytes, so progress is seen at that grain. Not thread-safe: one request at a time.
 */
final class UploadBody extends AbstractHttpEntity {

  /** The largest single socket write; the JDK splits larger ones at 128 KiB anyway. */
  static final int PIECE = 256 << 10;

  /** The file part's bytes. */
  interface Content {
    long length();

    /** Writes every byte from the first, once per attempt. */
    void writeTo(OutputStream out) throws IOException;
  }

  private final Content content;
  private final byte[] head;
  private final byte[] tail;
  private Duration idle;
  private Runnable abort = () -> {};
  private volatile boolean stalled;

  UploadBody(String path, Content content) {
    this(path, content, "scoutbot-" + HexFormat.of().formatHex(randomBytes()));
  }

  UploadBody(String path, Content content, String boundary) {
    // no charset parameter: the path field is UTF-8, as axum reads text fields
    super(ContentType.create("multipart/form-data", new BasicNameValuePair("boundary", boundary)),
        null);
    this.content = content;
    this.head = ("--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"path\"\r\n\r\n"
        + path + "\r\n"
        + "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"" + asciiName(path) + "\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    this.tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Arms the idle-write watchdog for the next attempt: {@code abort} cancels its request. */
  void watch(Duration idleTimeout, Runnable abortRequest) {
    this.idle = idleTimeout;
    this.abort = abortRequest;
  }

  @Override
  public long getContentLength() {
    return head.length + content.length() + tail.length;
  }

  @Override
  public InputStream getContent() {
    throw new UnsupportedOperationException("an upload body is only ever written");
  }

  @Override
  public boolean isRepeatable() {
    return true;
  }

  @Override
  public boolean isStreaming() {
    return false;
  }

  @Override
  public void close() {}

  @Override
  public void writeTo(OutputStream socket) throws IOException {
    stalled = false;
    Watched out = new Watched(socket);
    Duration limit = idle;
    Runnable cancel = abort;
    Thread dog =
        limit == null ? null : Thread.ofVirtual().name("pentaract-upload-watchdog")
            .start(() -> watch(out, limit, cancel));
    try {
      out.write(head);
      content.writeTo(out);
      out.write(tail);
      out.flush();
    } catch (IOException e) {
      if (stalled) {
        throw new SocketTimeoutException("Pentaract stopped reading the upload for "
            + (limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms"));
      }
      throw e;
    } finally {
      out.done = true;
      if (dog != null) {
        dog.interrupt();
      }
    }
  }

  private void watch(Watched out, Duration limit, Runnable cancel) {
    long limitNanos = limit.toNanos();
    long every = Math.max(Duration.ofMillis(50).toNanos(), limitNanos / 4);
    // Real time and a real sleep, not the Sleeper seam: what is timed is the kernel draining a
    // real socket, which no manual clock can stand in for (the fault tests stall a real server),
    // and the watchdog runs on its own virtual thread, so the upload itself never waits on it.
    try {
      while (!out.done) {
        Thread.sleep(Duration.ofNanos(every));
        if (!out.done && System.nanoTime() - out.lastProgress > limitNanos) {
          stalled = true;
          cancel.run();
          return;
        }
      }
    } catch (InterruptedException e) {
      // the body is written
    }
  }

  /** A multipart filename that no parser can trip over; upload_to ignores it anyway. */
  private static String asciiName(String path) {
    String name = RemotePaths.nameOf(path).replaceAll("[^A-Za-z0-9._-]", "_");
    return name.isEmpty() ? "file" : name;
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[12];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  /** Records when bytes last left; splits large writes so that slow progress still counts. */
  private static final class Watched extends FilterOutputStream {
    volatile long lastProgress = System.nanoTime();
    volatile boolean done;

    Watched(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = Math.min(len, PIECE);
        out.write(b, off, n);
        lastProgress = System.nanoTime();
        off += n;
        len -= n;
      }
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      lastProgress = System.nanoTime();
    }
  }
}
