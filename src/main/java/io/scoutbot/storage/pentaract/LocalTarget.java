package io.scoutbot.storage.pentaract;

import io.scoutbot.transfer.PipelinedCopy;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The local file a download is written into, as response bodies arrive: each body at its offset,
 * through the transfer's budgeted buffers and digests, with local write failures told apart from
 * network ones. Not thread-safe: owned by the one thread that runs the download.
 */
final class LocalTarget {

  private final FileChannel out;
  private final Path path;

  /** {@code out} stays open: its owner closes it. */
  LocalTarget(FileChannel out, Path path) {
    this.out = out;
    this.path = path;
  }

  /**
   * Writes one response body at {@code at}, rolling the digests back to {@code start} first, so that
   * a retried request overwrites exactly what the failed one wrote.
   *
   * @return the bytes written, always {@code size}
   */
  long receive(InputStream in, long at, long size, FileTransfer transfer, MessageDigest start,
      HighWater seen) throws IOException {
    transfer.restart(start);
    seen.restart();
    try {
      out.truncate(at);
      out.position(at);
    } catch (IOException e) {
      throw new LocalFileException(PentaractFailure.local(e, path, "write"));
    }
    long got = PipelinedCopy.copy(in, new LocalWrites(Channels.newOutputStream(out), path), size,
        transfer.buffers(), transfer.digests(), seen);
    if (got != size) {
      throw new EOFException("the download ended after " + got + " of " + size + " bytes");
    }
    transfer.drain();
    return got;
  }

  /** Tells local write failures apart from network ones; never closes the shared channel. */
  private static final class LocalWrites extends FilterOutputStream {
    private final Path target;

    LocalWrites(OutputStream out, Path target) {
      super(out);
      this.target = target;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (InterruptedIOException | ClosedByInterruptException e) {
        throw e;
      } catch (IOException e) {
        throw new LocalFileException(PentaractFailure.local(e, target, "write"));
      }
    }

    @Override
    public void close() {}
  }
}
