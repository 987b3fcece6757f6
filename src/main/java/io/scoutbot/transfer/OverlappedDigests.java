package io.scoutbot.transfer;

import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Feeds the same chunks to one or more {@link MessageDigest}s on one thread beside the copy loop, so
 * that hashing runs in parallel with sending instead of in series with it (SHA-256 costs about as
 * much CPU as sending the bytes). The caller hands a chunk over with {@link #submit}, goes on writing
 * that same buffer, and must not refill the buffer before {@link #awaitConsumed} says the digests are
 * done with it. Chunks wait in a fixed ring of {@link #RING} entries, so nothing is allocated per
 * chunk; {@code submit} waits when hashing is that far behind.
 *
 * <p>All digests share one thread and take each chunk in {@link #SLICE}-sized turns: the second
 * digest (a segment's CRC32C beside the file's SHA-256) then reads bytes the first has just pulled
 * into the CPU cache, which makes it nearly free. On a thread of its own it re-read every buffer
 * from memory on the other core and cost half as much CPU as the SHA-256 (profiled on 2 vCPUs).
 *
 * <p>Threading: {@code submit}, {@code awaitConsumed}, {@code drain}, {@code digest} and {@code
 * replace} are called by one producer thread; the digests are touched only by the hashing thread
 * while chunks are in flight, and only by the producer after {@link #drain}. The {@link #inline}
 * variant hashes on the producer's thread and starts no thread at all (small transfers).
 */
public final class OverlappedDigests implements AutoCloseable {

  /** Chunks that may be submitted and not yet hashed. */
  static final int RING = 16;

  /** Bytes each digest takes in turn: small enough to stay in a core's cache for the next one. */
  static final int SLICE = 64 << 10;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final MessageDigest[] digests;
  private final boolean inline;
  private final byte[][] ringBuf = new byte[RING][];
  private final int[] ringOff = new int[RING];
  private final int[] ringLen = new int[RING];
  private final Thread thread;
  private long submitted;
  private long consumed;
  private Throwable failure;
  private boolean closed;

  private OverlappedDigests(List<MessageDigest> digests, ThreadFactory threads) {
    this.inline = threads == null;
    this.digests = digests.toArray(MessageDigest[]::new);
    if (inline) {
      thread = null;
    } else {
      thread = threads.newThread(this::run);
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** One hashing thread for all the digests, made by {@code threads}; close it to stop it. */
  public static OverlappedDigests start(List<MessageDigest> digests, ThreadFactory threads) {
    return new OverlappedDigests(digests, threads);
  }

  /** Hashes on the caller's thread during {@link #submit}: no threads, no overlap. */
  public static OverlappedDigests inline(List<MessageDigest> digests) {
    return new OverlappedDigests(digests, null);
  }

  /**
   * Hands {@code buf[off, off+len)} to every digest and returns a ticket for {@link #awaitConsumed}.
   * The buffer must stay unchanged until then.
   *
   * @throws InterruptedException if interrupted while the ring is full
   */
  public long submit(byte[] buf, int off, int len) throws InterruptedException {
    if (inline) {
      update(buf, off, len);
      return ++submitted;
    }
    lock.lockInterruptibly();
    try {
      while (submitted - consumed >= RING) {
        checkOpen();
        changed.await();
      }
      checkOpen();
      int slot = (int) (submitted % RING);
      ringBuf[slot] = buf;
      ringOff[slot] = off;
      ringLen[slot] = len;
      submitted++;
      changed.signalAll();
      return submitted;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every digest has hashed the chunk of {@code ticket} (and all before it). */
  public void awaitConsumed(long ticket) throws InterruptedException {
    if (inline) {
      return;
    }
    lock.lockInterruptibly();
    try {
      while (true) {
        checkOpen();
        if (consumed >= ticket) {
          return;
        }
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until everything submitted is hashed; afterwards the digests may be read or replaced. */
  public void drain() throws InterruptedException {
    awaitConsumed(submitted);
  }

  /** Digest {@code i} (in the order given); read it only after {@link #drain}. */
  public MessageDigest digest(int i) {
    return digests[i];
  }

  /**
   * Swaps digest {@code i} (a fresh one, or a saved clone); only after {@link #drain}. The hashing
   * thread sees the new one: it reads the array only after taking the lock that the next {@link
   * #submit} releases.
   */
  public void replace(int i, MessageDigest digest) {
    digests[i] = digest;
  }

  private void update(byte[] buf, int off, int len) {
    if (digests.length == 1) {
      digests[0].update(buf, off, len);
      return;
    }
    for (int p = off, end = off + len; p < end; p += SLICE) {
      int n = Math.min(SLICE, end - p);
      for (MessageDigest d : digests) {
        d.update(buf, p, n);
      }
    }
  }

  private void checkOpen() {
    if (failure != null) {
      throw new IllegalStateException("the hashing thread failed", failure);
    }
    if (closed) {
      throw new IllegalStateException("digests already closed");
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** The hashing thread: hashes the ring's chunks in order. */
  private void run() {
    try {
      while (true) {
        byte[] buf;
        int off;
        int len;
        lock.lockInterruptibly();
        try {
          while (consumed == submitted && !closed) {
            changed.await();
          }
          if (closed) {
            return;
          }
          int slot = (int) (consumed % RING);
          buf = ringBuf[slot];
          off = ringOff[slot];
          len = ringLen[slot];
        } finally {
          lock.unlock();
        }
        update(buf, off, len);
        lock.lock();
        try {
          consumed++;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      // close() interrupts; any other interrupt would leave the producer waiting for this thread
      // for ever, so it fails the transfer instead
      fail(new IllegalStateException("the hashing thread was interrupted", e));
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  private void fail(Throwable e) {
    lock.lock();
    try {
      if (!closed) {
        failure = e;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
