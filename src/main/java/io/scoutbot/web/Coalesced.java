package io.scoutbot.web;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A port's answer, computed off the HTTP threads, one computation at a time, and reused for a short
 * while. Requests that arrive while one is being computed wait for that one instead of starting
 * another, and give up after their own timeout: a database that hangs then costs one virtual thread,
 * not one HTTP thread per poll, and the server stays free for {@code /health}. Several open status
 * pages cost one status report per reuse window. A failed computation is not reused. Thread-safe.
 */
final class Coalesced<T> {

  private final String name;
  private final Supplier<T> source;
  private final long reuseNanos;
  private final LongSupplier ticker;
  private CompletableFuture<T> current;
  private long doneAt;

  /**
   * @param reuse how long a successful answer is handed out again; zero: every request after the
   *     current computation starts a new one
   * @param ticker monotonic nanoseconds
   */
  Coalesced(String name, Supplier<T> source, Duration reuse, LongSupplier ticker) {
    this.name = Objects.requireNonNull(name, "name");
    this.source = Objects.requireNonNull(source, "source");
    this.reuseNanos = reuse.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * The current answer: a fresh enough one, the one being computed, or a new one.
   *
   * @throws TimeoutException when no answer came within {@code timeout} (the computation goes on,
   *     and later requests wait for it)
   * @throws ExecutionException when the computation failed; its cause is the port's exception
   */
  T get(Duration timeout) throws TimeoutException, ExecutionException, InterruptedException {
    CompletableFuture<T> f;
    synchronized (this) {
      boolean reusable = current != null && (!current.isDone()
          || (!current.isCompletedExceptionally() && ticker.getAsLong() - doneAt < reuseNanos));
      if (!reusable) {
        current = start();
      }
      f = current;
    }
    return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private CompletableFuture<T> start() {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread.ofVirtual().name("scoutbot-web-" + name).start(() -> {
      try {
        T value = source.get();
        synchronized (this) {
          doneAt = ticker.getAsLong();
        }
        f.complete(value);
      } catch (RuntimeException | Error e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }
}
