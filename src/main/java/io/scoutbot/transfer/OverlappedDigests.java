package io.scoutbot.transfer;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Feeds the same chunks to one or more {@link MessageDigest}s, each on its own thread, so that hashing
 * runs beside the copy loop instead of in series with it (SHA-256 costs about as much CPU as sending
 * the bytes). The caller hands a chunk over with {@link #submit}, goes on writing that same buffer,
 * and must not refill the buffer before {@link #awaitConsumed} says every digest is done with it.
 * Chunks wait in a fixed ring of {@link #RING} entries, so nothing is allocated per chunk; {@code
 * submit} waits when the slowest digest is that far behind.
 *
 * <p>Threading: {@code submit}, {@code awaitConsumed}, {@code drain}, {@code digest} and {@code
 * replace} are called by one producer thread; the digests are touched only by their own lane while
 * chunks are in flight, and only by the producer after {@link #drain}. The {@link #inline} variant
 * hashes on the producer's thread and starts no thread at all (small transfers).
 */
public final class OverlappedDigests implements AutoCloseable {

  /** Chunks that may be submitted and not yet hashed by every digest. */
  static final int RING = 16;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Lane> lanes = new ArrayList<>();
  private final boolean inline;
  private final byte[][] ringBuf = new byte[RING][];
  private final int[] ringOff = new int[RING];
  private final int[] ringLen = new int[RING];
  private long submitted;
  private Throwable failure;
  private boolean closed;

  private OverlappedDigests(List<MessageDigest> digests, ThreadFactory threads) {
    this.inline = threads == null;
    for (MessageDigest d : digests) {
      lanes.add(new Lane(d));
    }
    if (!inline) {
      for (Lane lane : lanes) {
        Thread t = threads.newThread(lane::run);
        t.setDaemon(true);
        lane.thread = t;
        t.start();
      }
    }
  }

  /** One hashing thread per digest, made by {@code threads}; close it to stop them. */
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
      for (Lane lane : lanes) {
        lane.digest.update(buf, off, len);
      }
      return ++submitted;
    }
    lock.lockInterruptibly();
    try {
      while (submitted - slowest() >= RING) {
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
        if (slowest() >= ticket) {
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

  /** The digest of lane {@code i}; read it only after {@link #drain}. */
  public MessageDigest digest(int i) {
    return lanes.get(i).digest;
  }

  /** Swaps the digest of lane {@code i} (a fresh one, or a saved clone); only after {@link #drain}. */
  public void replace(int i, MessageDigest digest) {
    lanes.get(i).digest = digest;
  }

  private long slowest() {
    long min = Long.MAX_VALUE;
    for (Lane lane : lanes) {
      min = Math.min(min, lane.consumed);
    }
    return min;
  }

  private void checkOpen() {
    if (failure != null) {
      throw new IllegalStateException("a digest lane failed", failure);
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
    for (Lane lane : lanes) {
      if (lane.thread != null) {
        lane.thread.interrupt();
      }
    }
  }

  /** One digest and how far it got; its thread hashes the ring's chunks in order. */
  private final class Lane {
    private volatile MessageDigest digest;
    private long consumed;
    private Thread thread;

    Lane(MessageDigest digest) {
      this.digest = digest;
    }

    void run() {
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
          digest.update(buf, off, len);
          lock.lock();
          try {
            consumed++;
            changed.signalAll();
          } finally {
            lock.unlock();
          }
        }
      } catch (InterruptedException e) {
        // close() interrupts; any other interrupt would leave the producer waiting for this lane
        // for ever, so it fails the transfer instead
        fail(new IllegalStateException("a digest lane was interrupted", e));
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
}
