package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueueLimitsTest {

  private static final long MIB = 1024 * 1024;
  private final QueueLimits limits = new QueueLimits(3, 100 * MIB);

  @ParameterizedTest(name = "{0} jobs, {1} MiB queued + {2} MiB")
  @CsvSource({
    "0, 0, 100",
    "2, 99, 1",
    "2, 0, -1",   // unknown size counts as nothing
    "0, 100, 0"
  })
  void check_withinLimits_passes(long jobs, long queuedMib, long addMib) {
    assertThatCode(() -> limits.check(new QueueUsage(jobs, queuedMib * MIB),
        addMib < 0 ? -1 : addMib * MIB)).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0} jobs, {1} MiB queued + {2} MiB -> {3}")
  @CsvSource(delimiter = '|', value = {
    "3 | 0 | 1 | you have 3 unfinished uploads and at most 3 are allowed (QUEUE_MAX_JOBS_PER_USER); this one would be 1 over",
    "7 | 0 | 1 | you have 7 unfinished uploads and at most 3 are allowed (QUEUE_MAX_JOBS_PER_USER); this one would be 5 over",
    "0 | 0 | 101 | this file (101.0 MiB) would bring your unfinished uploads to 101.0 MiB, 1.0 MiB over the limit of 100.0 MiB (QUEUE_MAX_BYTES_PER_USER_MB)",
    "2 | 60 | 50 | this file (50.0 MiB) would bring your unfinished uploads to 110.0 MiB, 10.0 MiB over the limit of 100.0 MiB"
  })
  void check_overALimit_namesItAndTheExcess(long jobs, long queuedMib, long addMib, String text) {
    assertThatThrownBy(() -> limits.check(new QueueUsage(jobs, queuedMib * MIB), addMib * MIB))
        .isInstanceOf(QueueLimitExceeded.class)
        .hasMessageStartingWith("queue limit reached: ")
        .hasMessageContaining(text);
  }
}
