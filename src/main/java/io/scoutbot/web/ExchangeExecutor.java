package io.scoutbot.web;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the HTTP server's exchanges on a few threads, each exchange under a deadline, so that no
 * client can hold the server.
 *
 * <h2>Why a deadline and not socket timeouts</h2>
 * The JDK server reads a request's head and body and writes its answer on the executor's thread,
 * in blocking mode, with no read or write timeout of its own (its limits are JVM-wide system
 * properties, read once, that another part of the process may have fixed first). A client that sends
 * one byte every few seconds, or never reads the answer, would keep that thread for ever. When an
 * exchange outlives its deadline, the watchdog interrupts its thread: the socket channel the thread
 * is blocked on closes (that is how NIO channels answer an interrupt), the server drops the
 * connection, and the thread is free. A connection only reaches this executor once its first bytes
 * arrived; idle keep-alive connections cost no thread (the server closes them after 30 s).
 *
 * <h2>Bounds</h2>
 * At most {@code threads} exchanges run at once and {@code backlog} wait; beyond that the server
 * closes new connections at once instead of queueing them without limit. Threads end after 30 s
 * without work, so an idle server holds none. Thread-safe.
 */
final class ExchangeExecutor implements Executor, AutoCloseable {

  private static final Duration IDLE_THREAD = Duration.ofSeconds(30);

  private final ThreadPoolExecutor pool;
  private final ScheduledThreadPoolExecutor watchdog;
  private final long deadlineNanos;
  private final AtomicLong cut = new AtomicLong();

  ExchangeExecutor(int threads, int backlog, Duration deadline) {
    if (threads < 1 || backlog < 1 || deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("threads and backlog must be at least 1 and the deadline "
          + "positive: threads=" + threads + ", backlog=" + backlog + ", deadline=" + deadline);
    }
    this.deadlineNanos = deadline.toNanos();
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, IDLE_THREAD.toMillis(),
        TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(backlog),
        r -> Thread.ofPlatform().name("scoutbot-http-" + n.incrementAndGet()).daemon()
            .unstarted(r),
        new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    this.watchdog = new ScheduledThreadPoolExecutor(1,
        r -> Thread.ofPlatform().name("scoutbot-http-watchdog").daemon().unstarted(r));
    watchdog.setRemoveOnCancelPolicy(true);
    watchdog.setKeepAliveTime(IDLE_THREAD.toMillis(), TimeUnit.MILLISECONDS);
    watchdog.allowCoreThreadTimeOut(true);
  }

  /**
   * Queues one exchange; throws {@link java.util.concurrent.RejectedExecutionException} when the
   * backlog is full (the server then closes that connection).
   */
  @Override
  public void execute(Runnable exchange) {
    pool.execute(new Deadline(exchange));
  }

  /** Exchanges cut off at their deadline so far. */
  long cut() {
    return cut.get();
  }

  /** Interrupts running exchanges and drops queued ones. */
  @Override
  public void close() {
    pool.shutdownNow();
    watchdog.shutdownNow();
  }

  /** One exchange and the alarm that interrupts it when it runs too long. */
  private final class Deadline implements Runnable {
    private final Runnable exchange;
    private Thread runner;
    private boolean done;

    Deadline(Runnable exchange) {
      this.exchange = exchange;
    }

    @Override
    public void run() {
      synchronized (this) {
        runner = Thread.currentThread();
      }
      ScheduledFuture<?> alarm;
      try {
        alarm = watchdog.schedule(this::expire, deadlineNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        alarm = null; // closing: shutdownNow() interrupts this exchange anyway
      }
      try {
        exchange.run();
      } finally {
        if (alarm != null) {
          alarm.cancel(false);
        }
        synchronized (this) {
          done = true;
        }
        // an alarm that fired just before `done` interrupted this exchange, never the next one:
        // clear it here, on the thread it was meant for
        Thread.interrupted();
      }
    }

    private synchronized void expire() {
      if (!done) {
        cut.incrementAndGet();
        runner.interrupt();
      }
    }
  }
}
