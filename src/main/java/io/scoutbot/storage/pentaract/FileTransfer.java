package io.scoutbot.storage.pentaract;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.transfer.Crc32cDigest;
import io.scoutbot.transfer.OverlappedDigests;
import io.scoutbot.transfer.Sha256;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The streaming resources one file's transfer uses for all its requests: up to two buffers
 * reserved from the memory budget (so reading, writing and hashing overlap), and the SHA-256 of the
 * whole file (lane 0) and, for segmented files, the CRC32C of the current segment (lane 1), both
 * computed on one thread beside the sender when the file spans more than one buffer. Memory held
 * is the buffers, never the file. Not thread-safe: owned by the one thread that runs the transfer.
 */
final class FileTransfer implements AutoCloseable {

  static final int WHOLE = 0;
  static final int SEGMENT = 1;

  private final MemoryBudget.Operation op;
  private final List<MemoryBudget.Permit> permits = new ArrayList<>();
  private final byte[][] buffers;
  private final OverlappedDigests digests;
  private final boolean segmented;

  private FileTransfer(MemoryBudget.Operation op, long size, int chunkSize, boolean segmented,
      ThreadFactory lanes) throws InterruptedException {
    this.op = op;
    this.segmented = segmented;
    long minimum = Math.min(MemoryBudget.MIN_BUFFER, chunkSize);
    MemoryBudget.Permit first = op.reserveUpTo(chunkSize, minimum);
    permits.add(first);
    if (size > first.bytes()) {
      op.tryReserve(first.bytes()).ifPresent(permits::add);
    }
    buffers = new byte[permits.size()][];
    for (int i = 0; i < buffers.length; i++) {
      buffers[i] = permits.get(i).buffer();
    }
    List<MessageDigest> list = new ArrayList<>(List.of(Sha256.newDigest()));
    if (segmented) {
      list.add(new Crc32cDigest());
    }
    digests = size > first.bytes()
        ? OverlappedDigests.start(list, lanes)
        : OverlappedDigests.inline(list);
  }

  /**
   * Reserves the buffers within {@code op} (waiting for the budget if need be; a short budget gives
   * smaller buffers, not a failure) and starts the hashing thread.
   */
  static FileTransfer open(MemoryBudget.Operation op, long size, int chunkSize, boolean segmented,
      ThreadFactory lanes) throws InterruptedException {
    return new FileTransfer(op, size, chunkSize, segmented, lanes);
  }

  byte[][] buffers() {
    return buffers;
  }

  OverlappedDigests digests() {
    return digests;
  }

  boolean segmented() {
    return segmented;
  }

  /** Waits until every submitted chunk is hashed. */
  void drain() throws InterruptedIOException {
    try {
      digests.drain();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("transfer cancelled");
    }
  }

  /** A copy of the whole-file digest as it stands, to roll back to if a request must be resent. */
  MessageDigest saveWhole() throws InterruptedIOException {
    drain();
    return clone(digests.digest(WHOLE));
  }

  /** Rolls the whole-file digest back to {@code saved} and starts a fresh segment checksum. */
  void restart(MessageDigest saved) throws InterruptedIOException {
    drain();
    digests.replace(WHOLE, clone(saved));
    if (segmented) {
      digests.replace(SEGMENT, new Crc32cDigest());
    }
  }

  /**
   * The finished digest of lane {@code lane} in hex (SHA-256 for {@link #WHOLE}, CRC32C for {@link
   * #SEGMENT}); the lane starts over afterwards.
   */
  String finish(int lane) throws InterruptedIOException {
    drain();
    return Sha256.hex(digests.digest(lane));
  }

  private static MessageDigest clone(MessageDigest d) {
    try {
      return (MessageDigest) d.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 is cloneable", e);
    }
  }

  @Override
  public void close() {
    digests.close();
    for (MemoryBudget.Permit p : permits) {
      p.close();
    }
  }
}
