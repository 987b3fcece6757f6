package io.scoutbot.download;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kills a child process with everything it started (yt-dlp runs ffmpeg), so a cancelled or stuck
 * fetch leaves no process behind. Stateless.
 */
final class ProcessTree {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private ProcessTree() {}

  /**
   * Kills {@code p} and its descendants (found before the parent dies, since its children are
   * re-parented then) and waits briefly for them to be gone.
   */
  static void kill(Process p) {
    List<ProcessHandle> descendants = p.descendants().toList();
    p.destroyForcibly();
    for (ProcessHandle h : descendants) {
      h.destroyForcibly();
    }
    await(p.toHandle());
    for (ProcessHandle h : descendants) {
      await(h);
    }
  }

  private static void await(ProcessHandle h) {
    try {
      h.onExit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // SIGKILL cannot be refused; a process still there is a zombie its parent will reap
    }
  }
}
