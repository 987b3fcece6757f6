package io.scoutbot.download;

import io.scoutbot.fetch.FetchProgress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** Records what a fetch reported: bytes since the last restart, expectations, restarts. */
final class RecordingProgress implements FetchProgress {

  final AtomicLong bytes = new AtomicLong();
  final AtomicLong calls = new AtomicLong();
  final List<Long> expected = new CopyOnWriteArrayList<>();
  final List<Long> restarts = new CopyOnWriteArrayList<>();
  private final LongConsumer onAdvance;

  RecordingProgress() {
    this(n -> {});
  }

  /** Calls {@code onAdvance} with the running total after every advance (on the fetching thread). */
  RecordingProgress(LongConsumer onAdvance) {
    this.onAdvance = onAdvance;
  }

  @Override
  public void advance(long n) {
    calls.incrementAndGet();
    onAdvance.accept(bytes.addAndGet(n));
  }

  @Override
  public void expect(long totalBytes) {
    expected.add(totalBytes);
  }

  @Override
  public void restart(long from) {
    restarts.add(from);
    bytes.set(from);
  }
}
