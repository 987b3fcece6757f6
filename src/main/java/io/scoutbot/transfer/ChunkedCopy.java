package io.scoutbot.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * The one copy loop every transfer uses: fills a caller-supplied (budgeted) buffer, updates a digest,
 * writes it out, reports progress, and stops promptly when the thread is interrupted. Memory use is
 * the buffer, whatever the size of the data. Stateless.
 *
 * <p>Why system calls are sliced: the JDK's file and socket streams copy every {@code read} and
 * {@code write} of a heap array through a native buffer as large as the call (a {@code malloc} per
 * call for file streams, a cached per-thread direct buffer for channels and sockets), memory the
 * budget cannot see and that glibc keeps per thread. Calls of at most {@link #IO_SLICE} bytes bound
 * that hidden copy, whatever RESOURCE_STREAMING_CHUNK_SIZE is; the chunk stays the unit of hashing
 * and progress.
 */
public final class ChunkedCopy {

  /** Largest single read or write system call; small enough for glibc to serve from its arenas. */
  public static final int IO_SLICE = 128 * 1024;

  private ChunkedCopy() {}

  /**
   * Copies {@code in} to {@code out} until end of stream or {@code limit} bytes, whichever is first.
   *
   * @param digest updated with every byte copied; may be null
   * @return the number of bytes copied
   * @throws InterruptedIOException if the thread was interrupted (the flag stays set)
   */
  public static long copy(
      InputStream in,
      OutputStream out,
      byte[] buffer,
      long limit,
      MessageDigest digest,
      Progress progress)
      throws IOException {
    long total = 0;
    while (total < limit) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("transfer cancelled after " + total + " bytes");
      }
      int want = (int) Math.min(buffer.length, limit - total);
      int n = fill(in, buffer, want);
      if (n <= 0) {
        break;
      }
      if (digest != null) {
        digest.update(buffer, 0, n);
      }
      write(out, buffer, 0, n);
      total += n;
      progress.advance(n);
      if (n < want) {
        break; // fill stops short only at end of stream
      }
    }
    return total;
  }

  /** Copies everything until end of stream. */
  public static long copy(
      InputStream in, OutputStream out, byte[] buffer, MessageDigest digest, Progress progress)
      throws IOException {
    return copy(in, out, buffer, Long.MAX_VALUE, digest, progress);
  }

  /**
   * Reads up to {@code want} bytes into the start of {@code buffer} in calls of at most {@link
   * #IO_SLICE}; returns fewer only at end of stream (-1 if nothing was left).
   */
  public static int fill(InputStream in, byte[] buffer, int want) throws IOException {
    int got = 0;
    while (got < want) {
      int n = in.read(buffer, got, Math.min(IO_SLICE, want - got));
      if (n < 0) {
        return got == 0 ? -1 : got;
      }
      got += n;
    }
    return got;
  }

  /** Writes {@code buffer[off, off+len)} in calls of at most {@link #IO_SLICE}. */
  public static void write(OutputStream out, byte[] buffer, int off, int len) throws IOException {
    for (int done = 0; done < len; ) {
      int n = Math.min(IO_SLICE, len - done);
      out.write(buffer, off + done, n);
      done += n;
    }
  }
}
