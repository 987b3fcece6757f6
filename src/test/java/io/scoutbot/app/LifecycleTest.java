package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  private final List<String> events = new CopyOnWriteArrayList<>();

  private Lifecycle.StartAction start(String name) {
    return () -> events.add("start " + name);
  }

  private Runnable stop(String name) {
    return () -> events.add("stop " + name);
  }

  @Test
  void components_startInOrder_andStopInReverse() {
    Lifecycle l = new Lifecycle(Duration.ofSeconds(1));
    l.add("db", start("db"), stop("db")).add("queue", start("queue"), stop("queue"))
        .add("http", start("http"), stop("http"));

    l.start();
    l.stop();

    assertThat(events).containsExactly("start db", "start queue", "start http", "stop http",
        "stop queue", "stop db");
  }

  @Test
  void aFailedStart_namesTheComponent_andStopsWhatAlreadyStarted() {
    Lifecycle l = new Lifecycle(Duration.ofSeconds(1));
    l.add("db", start("db"), stop("db"))
        .add("storage", () -> { throw new IllegalStateException("disk full"); }, stop("storage"))
        .add("http", start("http"), stop("http"));

    assertThatThrownBy(l::start)
        .isInstanceOf(Lifecycle.StartupFailure.class)
        .hasMessage("cannot start storage: disk full");
    assertThat(events).containsExactly("start db", "stop db");
  }

  @Test
  void aStuckStop_isAbandonedAfterTheTimeout_andTheRestStillStop() throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    Lifecycle l = new Lifecycle(Duration.ofMillis(100));
    l.add("db", start("db"), stop("db"))
        .add("stuck", start("stuck"), () -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            events.add("stuck interrupted");
          }
        })
        .add("http", start("http"), stop("http"));
    l.start();

    l.stop();

    assertThat(events).containsSubsequence("stop http", "stop db");
  }

  @Test
  void stop_isIdempotent() {
    Lifecycle l = new Lifecycle(Duration.ofSeconds(1));
    l.add("db", start("db"), stop("db"));
    l.start();

    l.stop();
    l.stop();

    assertThat(events).containsExactly("start db", "stop db");
  }

  @Test
  void aStopDuringStart_stopsTheComponentThatWasStarting_andStartsNoMore() {
    Lifecycle l = new Lifecycle(Duration.ofSeconds(1));
    l.add("db", start("db"), stop("db"))
        .add("workers", () -> {
          events.add("start workers");
          l.stop(); // SIGTERM arrives while the workers start
        }, stop("workers"))
        .add("http", start("http"), stop("http"));

    l.start();

    assertThat(events).containsExactly("start db", "start workers", "stop db", "stop workers");
  }
}
