package io.scoutbot.app;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components in the order they were added and stops the started ones in reverse, each stop
 * bounded in time so one stuck component cannot hold the process. Thread-safe; {@link #stop()} may be
 * called from a shutdown hook while {@link #start()} is still running.
 */
final class Lifecycle {

  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  /** A named start and stop action. */
  record Component(String name, StartAction start, Runnable stop) {}

  /** Starting may fail with any exception; the message names the component. */
  @FunctionalInterface
  interface StartAction {
    void start() throws Exception;
  }

  private final List<Component> components = new ArrayList<>();
  private final Deque<Component> started = new ArrayDeque<>();
  private final Duration stopTimeout;
  private boolean stopped;

  Lifecycle(Duration stopTimeout) {
    this.stopTimeout = stopTimeout;
  }

  synchronized Lifecycle add(String name, StartAction start, Runnable stop) {
    components.add(new Component(name, start, stop));
    return this;
  }

  /**
   * Starts every component in order. If one fails, the ones already started are stopped and a
   * {@link StartupFailure} naming the component and the cause is thrown.
   */
  void start() {
    for (Component c : List.copyOf(components)) {
      synchronized (this) {
        if (stopped) {
          return;
        }
      }
      try {
        c.start().start();
        boolean stopNow;
        synchronized (this) {
          // a stop (SIGTERM) that came while this component was starting has already run:
          // stop this one here, or nothing ever would
          stopNow = stopped;
          if (!stopNow) {
            started.push(c);
          }
        }
        if (stopNow) {
          log.debug("stopping {} at once: a stop came while it was starting", c.name());
          c.stop().run();
          return;
        }
        log.debug("started {}", c.name());
      } catch (Exception e) {
        stop();
        throw new StartupFailure(c.name(), e);
      }
    }
  }

  /** Stops started components in reverse order; idempotent. */
  void stop() {
    List<Component> toStop;
    synchronized (this) {
      stopped = true;
      toStop = new ArrayList<>(started);
      started.clear();
    }
    if (toStop.isEmpty()) {
      return;
    }
    ExecutorService stopper =
        Executors.newSingleThreadExecutor(Thread.ofPlatform().name("scoutbot-stop").daemon().factory());
    try {
      for (Component c : toStop) {
        Future<?> f = stopper.submit(c.stop());
        try {
          f.get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
          log.debug("stopped {}", c.name());
        } catch (TimeoutException e) {
          f.cancel(true);
          log.warn("{} did not stop within {}s; moving on so the rest can stop", c.name(),
              stopTimeout.toSeconds());
          stopper.shutdownNow();
          stopper =
              Executors.newSingleThreadExecutor(
                  Thread.ofPlatform().name("scoutbot-stop").daemon().factory());
        } catch (ExecutionException e) {
          log.warn("{} failed to stop cleanly: {}", c.name(), e.getCause().toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          log.warn("interrupted while stopping {}", c.name());
        }
      }
    } finally {
      stopper.shutdownNow();
    }
  }

  /** A component could not start; the message names it and the cause. */
  static final class StartupFailure extends ScoutFailure {
    StartupFailure(String component, Throwable cause) {
      super("cannot start " + component + ": " + message(cause), Disposition.PERMANENT, cause);
    }

    private static String message(Throwable t) {
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String m = t.getMessage() == null ? t.toString() : t.getMessage();
      return root == t || m.contains(String.valueOf(root.getMessage())) ? m : m + " (" + root + ")";
    }
  }
}
