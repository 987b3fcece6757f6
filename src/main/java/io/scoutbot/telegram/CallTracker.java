package io.scoutbot.telegram;

import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Response;

/**
 * Gives ScoutBot a handle on the HTTP calls TelegramBots makes for it. TelegramBots builds and
 * enqueues each call inside {@code executeAsync} and reports only the parsed JSON, so this listener
 * factory (which OkHttp invokes on the thread that creates the call) hands the call to the {@link
 * Attempt} that thread opened: the caller can then cancel it when interrupted, and read the HTTP
 * status of an answer that was not JSON (a proxy's 502 page, a 413 from nginx). Thread-safe.
 */
final class CallTracker implements EventListener.Factory {

  private final ThreadLocal<Attempt> current = new ThreadLocal<>();

  /** Opens an attempt for the calls the current thread creates until {@link #end()}. */
  Attempt begin() {
    Attempt a = new Attempt();
    current.set(a);
    return a;
  }

  void end() {
    current.remove();
  }

  @Override
  public EventListener create(Call call) {
    Attempt a = current.get();
    if (a == null) {
      return EventListener.NONE;
    }
    a.call = call;
    return new EventListener() {
      @Override
      public void responseHeadersEnd(Call c, Response response) {
        a.status = response.code();
      }
    };
  }

  /** One call's handle: cancel it, or read the status of its answer (0 before one came). */
  static final class Attempt {
    private volatile Call call;
    private volatile int status;

    void cancel() {
      Call c = call;
      if (c != null) {
        c.cancel();
      }
    }

    int status() {
      return status;
    }
  }
}
