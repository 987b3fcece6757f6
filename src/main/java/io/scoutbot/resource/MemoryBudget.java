package io.scoutbot.resource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The memory budget for file data held in memory: every buffer is reserved here before it is
 * allocated and released when its {@link Permit} closes. Thread-safe.
 *
 * <p>Two limits hold at all times: the sum of all open permits never exceeds {@link #capacity()} (a
 * global cap derived from the max heap unless configured), and no single operation holds more than
 * {@link #perOperation()} (RESOURCE_MAX_MEMORY_MB). A request that does not fit either fails at once
 * ({@link #tryReserve}), so the caller streams with a small buffer instead, or waits its turn.
 *
 * <p>Waiters are served first come, first served, and a non-blocking request never jumps the queue, so
 * a large request cannot starve behind a stream of small ones.
 *
 * <p>Hold-and-wait is refused: an {@link Operation} that already holds memory cannot block for more
 * (two operations each holding half the budget and waiting for the other half would wait for ever);
 * it gets a fast failure instead. {@link #inUse()}, {@link #peak()}, {@link #waiting()} and {@link
 * #refusals()} feed status and metrics.
 */
public final class MemoryBudget {

  /** Smallest buffer worth streaming with; below it per-call overhead dominates. */
  public static final long MIN_BUFFER = 64 * 1024;

  /** The largest Java array: a permit of more bytes cannot hand out a heap buffer. */
  static final long MAX_BUFFER = Integer.MAX_VALUE - 8;

  private final long capacity;
  private final long perOperation;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Object> waiters = new ArrayDeque<>();
  private long inUse;
  private long peak;
  private long refusals;

  /**
   * @param capacity the most bytes all permits together may hold
   * @param perOperation the most bytes one operation may hold
   */
  public MemoryBudget(long capacity, long perOperation) {
    if (capacity < MIN_BUFFER || perOperation < MIN_BUFFER) {
      throw new IllegalArgumentException(
          "capacity and perOperation must be at least " + MIN_BUFFER + " bytes: capacity="
              + capacity + ", perOperation=" + perOperation);
    }
    this.capacity = capacity;
    this.perOperation = Math.min(perOperation, capacity);
  }

  /**
   * The default global capacity for a JVM whose max heap is {@code maxHeap}: 40 % of it, leaving the
   * rest for the service's own objects, HTTP clients and the database driver.
   */
  public static long defaultCapacity(long maxHeap) {
    return Math.max(4 * MIN_BUFFER, maxHeap / 5 * 2);
  }

  public long capacity() {
    return capacity;
  }

  /** The most one operation may hold: RESOURCE_MAX_MEMORY_MB, or the capacity if smaller. */
  public long perOperation() {
    return perOperation;
  }

  /** Bytes currently reserved. */
  public long inUse() {
    lock.lock();
    try {
      return inUse;
    } finally {
      lock.unlock();
    }
  }

  /** The most bytes ever reserved at once (high-water mark since start). */
  public long peak() {
    lock.lock();
    try {
      return peak;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Requests turned down since start: a non-blocking reservation that did not fit (the caller then
   * streams with a smaller buffer) or a timed one whose time ran out.
   */
  public long refusals() {
    lock.lock();
    try {
      return refusals;
    } finally {
      lock.unlock();
    }
  }

  /** Callers waiting for memory now. */
  public int waiting() {
    lock.lock();
    try {
      return waiters.size();
    } finally {
      lock.unlock();
    }
  }

  /** Reserves {@code bytes} if they fit now and nobody is waiting; never blocks. */
  public Optional<Permit> tryReserve(long bytes) {
    checkRequest(bytes);
    lock.lock();
    try {
      if (waiters.isEmpty() && inUse + bytes <= capacity) {
        return Optional.of(grant(bytes));
      }
      refusals++;
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /** Waits, first come first served, until {@code bytes} fit. */
  public Permit reserve(long bytes) throws InterruptedException {
    return reserveUpTo(bytes, bytes);
  }

  /**
   * Like {@link #reserve} but gives up after {@code timeout} (zero or negative: only if it fits now,
   * in turn).
   */
  public Optional<Permit> reserve(long bytes, Duration timeout) throws InterruptedException {
    checkRequest(bytes);
    long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
    return Optional.ofNullable(await(bytes, bytes, nanos, true));
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Reserves a buffer of {@code preferred} bytes, or less when the budget is short (but never less
   * than {@code minimum}); waits only until {@code minimum} fits. This is the adaptive chunk size:
   * under memory pressure streams carry on with smaller buffers instead of stalling.
   */
  public Permit reserveUpTo(long preferred, long minimum) throws InterruptedException {
    checkRequest(minimum);
    if (preferred < minimum) {
      throw new IllegalArgumentException("preferred " + preferred + " < minimum " + minimum);
    }
    return await(Math.min(preferred, perOperation), minimum, 0, false);
  }

  /**
   * Opens a per-operation scope: everything reserved through it counts against {@link
   * #perOperation()} together. Closing the scope releases whatever its permits still hold.
   */
  public Operation openOperation(String name) {
    return new Operation(name);
  }

  /** Waits in turn until {@code minimum} fits; null when {@code timed} and the time ran out. */
  private Permit await(long preferred, long minimum, long timeoutNanos, boolean timed)
      throws InterruptedException {
    Object ticket = new Object();
    lock.lockInterruptibly();
    try {
      waiters.addLast(ticket);
      try {
        long remaining = timeoutNanos;
        while (waiters.peekFirst() != ticket || inUse + minimum > capacity) {
          if (!timed) {
            changed.await();
          } else {
            if (remaining <= 0) {
              refusals++;
              return null;
            }
            remaining = changed.awaitNanos(remaining);
          }
        }
        return grant(Math.max(minimum, Math.min(preferred, capacity - inUse)));
      } finally {
        waiters.remove(ticket);
        // the head changed: the next waiter may fit now
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private Permit grant(long bytes) {
    inUse += bytes;
    peak = Math.max(peak, inUse);
    return new Permit(this, bytes);
  }

  private void refused() {
    lock.lock();
    try {
      refusals++;
    } finally {
      lock.unlock();
    }
  }

  private void release(long bytes) {
    lock.lock();
    try {
      inUse -= bytes;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void checkRequest(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("a reservation must be positive: " + bytes);
    }
    if (bytes > perOperation) {
      throw new IllegalArgumentException(
          "a reservation of " + bytes + " bytes exceeds the per-operation limit of " + perOperation
              + " bytes (RESOURCE_MAX_MEMORY_MB); stream the data instead");
    }
  }

  /**
   * Reserved bytes, released exactly once by {@link #close()}. The buffer is allocated on first use,
   * so a permit can be taken before deciding whether the data is needed in memory at all. Not
   * thread-safe: one permit belongs to one thread at a time.
   */
  public static final class Permit implements AutoCloseable {
    private final MemoryBudget budget;
    private final long bytes;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile Runnable onClose = () -> {};
    private byte[] buffer;

    private Permit(MemoryBudget budget, long bytes) {
      this.budget = budget;
      this.bytes = bytes;
    }

    public long bytes() {
      return bytes;
    }

    /** A heap buffer of exactly {@link #bytes()} bytes, allocated once. */
    public byte[] buffer() {
      if (!open.get()) {
        throw new IllegalStateException("permit already released");
      }
      if (bytes > MAX_BUFFER) {
        throw new IllegalStateException(
            "a permit of " + bytes + " bytes is larger than one Java array; reserve chunks instead");
      }
      if (buffer == null) {
        buffer = new byte[Math.toIntExact(bytes)];
      }
      return buffer;
    }

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        buffer = null;
        budget.release(bytes);
        onClose.run();
      }
    }
  }

  /**
   * A per-operation scope over the budget: its permits together stay within {@link #perOperation()}.
   * Thread-safe. Closing it releases any permit still open, so an exception path cannot leak.
   */
  public final class Operation implements AutoCloseable {
    private final String name;
    private final Set<Permit> open = ConcurrentHashMap.newKeySet();
    private long held;
    private boolean closed;

    private Operation(String name) {
      this.name = name;
    }

    public String name() {
      return name;
    }

    /** Bytes this operation holds now. */
    public synchronized long held() {
      return held;
    }

    /** Reserves {@code bytes} now if both this operation and the budget have room. */
    public Optional<Permit> tryReserve(long bytes) {
      checkRequest(bytes);
      synchronized (this) {
        requireOpen();
        if (held + bytes > perOperation) {
          refused();
          return Optional.empty();
        }
        held += bytes;
      }
      Optional<Permit> p = MemoryBudget.this.tryReserve(bytes);
      if (p.isEmpty()) {
        unhold(bytes);
        return p;
      }
      return Optional.of(track(p.get()));
    }

    /**
     * A streaming buffer: up to {@code preferred} bytes, at least {@code minimum}, within what this
     * operation has left. Waits for the budget only while this operation holds nothing.
     *
     * @throws IllegalStateException if this operation already holds memory (waiting while holding
     *     could deadlock with another operation doing the same; close the permit first, or use
     *     {@link #tryReserve})
     */
    public Permit reserveUpTo(long preferred, long minimum) throws InterruptedException {
      checkRequest(minimum);
      if (preferred < minimum) {
        throw new IllegalArgumentException("preferred " + preferred + " < minimum " + minimum);
      }
      long want;
      synchronized (this) {
        requireOpen();
        if (held > 0) {
          throw new IllegalStateException(
              "operation '" + name + "' already holds " + held + " bytes and would wait for more "
                  + "while holding them; close its permit before reserving another");
        }
        long left = perOperation - held;
        if (left < minimum) {
          throw new IllegalStateException(
              "operation '" + name + "' already holds " + held + " of its " + perOperation
                  + " bytes; close a permit before reserving more");
        }
        want = Math.min(preferred, left);
        held += want;
      }
      Permit p;
      try {
        p = MemoryBudget.this.reserveUpTo(want, Math.min(minimum, want));
      } catch (InterruptedException | RuntimeException e) {
        unhold(want);
        throw e;
      }
      unhold(want - p.bytes());
      return track(p);
    }

    private Permit track(Permit p) {
      p.onClose =
          () -> {
            open.remove(p);
            unhold(p.bytes());
          };
      synchronized (this) {
        if (!closed) {
          open.add(p);
          return p;
        }
      }
      // closed while this reservation was waiting: give the memory straight back
      p.close();
      throw new IllegalStateException("operation '" + name + "' was closed");
    }

    private void requireOpen() {
      if (closed) {
        throw new IllegalStateException("operation '" + name + "' was closed");
      }
    }

    private synchronized void unhold(long bytes) {
      held -= bytes;
    }

    @Override
    public void close() {
      synchronized (this) {
        closed = true;
      }
      for (Permit p : List.copyOf(open)) {
        p.close();
      }
    }
  }
}
