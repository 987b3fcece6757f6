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
 *
 * <p>Threading: {@code submit}, {@code awaitConsumed}, {@code drain}, {@code digest} and {@code
 * replace} are called by one producer thread; the digests are touched only by their own lane while
 * chunks are in flight, and only by the producer after {@link #drain}. The {@link #inline} variant
 * hashes on the producer's thread and starts no thread at all (small transfers, one-shot tools).
 */
public final class OverlappedDigests implements AutoCloseable {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Lane> lanes = new ArrayList<>();
  private final boolean inline;
  private long submitted;
  private Throwable failure;
  private boolean closed;

  private OverlappedDigests(List<MessageDigest> digests, ThreadFactory threads) {
    this.inline = threads == null;
    for (MessageDigest d : digests) {
      Lane lane = new Lane(d);
      lanes.add(lane);
      if (!inline) {
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
   */
  public long submit(byte[] buf, int off, int len) {
    if (inline) {
      for (Lane lane : lanes) {
        lane.digest.update(buf, off, len);
      }
      return ++submitted;
    }
    lock.lock();
    try {
      checkOpen();
      long ticket = ++submitted;
      for (Lane lane : lanes) {
        lane.queue.add(new Chunk(buf, off, len, ticket));
      }
      changed.signalAll();
      return ticket;
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
        boolean done = true;
        for (Lane lane : lanes) {
          done &= lane.consumed >= ticket;
        }
        if (done) {
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

  private record Chunk(byte[] buf, int off, int len, long ticket) {}

  private final class Lane {
    private final java.util.ArrayDeque<Chunk> queue = new java.util.ArrayDeque<>();
    private volatile MessageDigest digest;
    private long consumed;
    private Thread thread;

    Lane(MessageDigest digest) {
      this.digest = digest;
    }

    void run() {
      try {
        while (true) {
          Chunk c;
          lock.lockInterruptibly();
          try {
            while (queue.isEmpty() && !closed) {
              changed.await();
            }
            if (closed) {
              return;
            }
            c = queue.poll();
          } finally {
            lock.unlock();
          }
          digest.update(c.buf(), c.off(), c.len());
          lock.lock();
          try {
            consumed = c.ticket();
            changed.signalAll();
          } finally {
            lock.unlock();
          }
        }
      } catch (InterruptedException e) {
        // closed
      } catch (RuntimeException | Error e) {
        lock.lock();
        try {
          failure = e;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }
}
