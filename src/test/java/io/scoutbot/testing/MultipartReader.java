package io.scoutbot.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body part by part without holding a part in memory: each part's
 * body is an {@link InputStream} that ends at the next delimiter, like multer's stream. Not
 * thread-safe. Shared by the fakes of Pentaract and of the Bot API.
 */
public final class MultipartReader {

  private static final Pattern NAME = Pattern.compile("(?i)\\bname=\"([^\"]*)\"");
  private static final Pattern FILENAME = Pattern.compile("(?i)\\bfilename=\"([^\"]*)\"");
  private static final int BUFFER = 256 << 10;

  /** One part: its field name, its file name if any, and its body up to the next delimiter. */
  public record Part(String name, String filename, InputStream body) {}

  private final InputStream in;
  private final byte[] delimiter;
  private final byte[] buf = new byte[BUFFER];
  private int start;
  private int end;
  private boolean eof;
  private boolean finished;
  private PartStream current;

  public MultipartReader(InputStream in, String boundary) throws IOException {
    this.in = in;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    // the first delimiter has no CRLF before it: pretend it had
    buf[0] = '\r';
    buf[1] = '\n';
    end = 2;
  }

  /** The boundary parameter of a multipart content type, or null. */
  public static String boundary(String contentType) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return null;
    }
    Matcher m = Pattern.compile("(?i)boundary=\"?([^\";]+)\"?").matcher(contentType);
    return m.find() ? m.group(1) : null;
  }

  /** The next part, or null after the last one; skips whatever is left of the current part. */
  public Part next() throws IOException {
    if (current != null) {
      current.transferTo(java.io.OutputStream.nullOutputStream());
      current = null;
    } else if (!finished) {
      // preamble: skip to the first delimiter
      new PartStream().transferTo(java.io.OutputStream.nullOutputStream());
    }
    if (finished) {
      return null;
    }
    String headers = readHeaders();
    if (headers == null) {
      finished = true;
      return null;
    }
    String disposition = "";
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
        disposition = line;
      }
    }
    Matcher name = NAME.matcher(disposition);
    Matcher file = FILENAME.matcher(disposition);
    current = new PartStream();
    return new Part(name.find() ? name.group(1) : null, file.find() ? file.group(1) : null,
        current);
  }

  /** After a delimiter: "--" ends the body, otherwise CRLF and headers up to a blank line. */
  private String readHeaders() throws IOException {
    ensure(2);
    if (end - start >= 2 && buf[start] == '-' && buf[start + 1] == '-') {
      finished = true;
      return null;
    }
    StringBuilder b = new StringBuilder();
    while (true) {
      ensure(1);
      if (start >= end) {
        throw new IOException("multipart body ended inside part headers");
      }
      b.append((char) (buf[start++] & 0xff));
      int n = b.length();
      if (n >= 4 && b.charAt(n - 4) == '\r' && b.charAt(n - 3) == '\n' && b.charAt(n - 2) == '\r'
          && b.charAt(n - 1) == '\n') {
        return new String(b.toString().getBytes(StandardCharsets.ISO_8859_1),
            StandardCharsets.UTF_8).strip();
      }
      if (n > 16 << 10) {
        throw new IOException("multipart part headers are too long");
      }
    }
  }

  private void ensure(int bytes) throws IOException {
    if (end - start >= bytes || eof) {
      return;
    }
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    while (end - start < bytes && !eof) {
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        eof = true;
      } else {
        end += n;
      }
    }
  }

  /** The body of one part: ends right before the next delimiter, which it consumes. */
  private final class PartStream extends InputStream {
    private boolean done;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      while (true) {
        int found = indexOfDelimiter();
        if (found == start) {
          start += delimiter.length;
          done = true;
          return -1;
        }
        // bytes before the delimiter, or all but a possible partial delimiter at the end
        int safe = found >= 0 ? found : Math.max(start, end - (delimiter.length - 1));
        if (safe > start) {
          int n = Math.min(len, safe - start);
          System.arraycopy(buf, start, b, off, n);
          start += n;
          return n;
        }
        if (eof) {
          throw new IOException("multipart body ended before its closing delimiter");
        }
        int before = end - start;
        ensure(before + 1);
        if (end - start == before && eof) {
          throw new IOException("multipart body ended before its closing delimiter");
        }
      }
    }

    private int indexOfDelimiter() {
      byte first = delimiter[0];
      int last = end - delimiter.length;
      for (int i = start; i <= last; i++) {
        if (buf[i] == first && matchesAt(i)) {
          return i;
        }
      }
      return -1;
    }

    private boolean matchesAt(int i) {
      for (int k = 1; k < delimiter.length; k++) {
        if (buf[i + k] != delimiter[k]) {
          return false;
        }
      }
      return true;
    }
  }
}
