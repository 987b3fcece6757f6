package io.scoutbot.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What happens to upload jobs, told by the composition root from the queue's job events: how long
 * jobs waited before a worker took them, how they ended and how long they took, and how often an
 * attempt failed transiently. Implementations are thread-safe and return at once (they run on worker
 * threads).
 */
public interface JobMetrics {

  /** How a job ended for good. */
  enum Outcome {
    COMPLETED,
    FAILED,
    CANCELLED
  }

  /** A worker started an attempt on a job that had been due for {@code waited}. */
  void started(Duration waited);

  /** A job ended for good, {@code took} after it was submitted. */
  void finished(Outcome outcome, Duration took);

  /** An attempt failed transiently; the job runs again later. */
  void retrying();

  /** Records nothing. */
  static JobMetrics none() {
    return new JobMetrics() {
      @Override
      public void started(Duration waited) {}

      @Override
      public void finished(Outcome outcome, Duration took) {}

      @Override
      public void retrying() {}
    };
  }

  /**
   * Records into {@code registry}: {@code scoutbot_job_wait_seconds}, {@code
   * scoutbot_job_duration_seconds{outcome}} (its {@code _count} is the jobs finished per outcome) and
   * {@code scoutbot_job_retries_total}.
   */
  static JobMetrics on(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Duration[] buckets = {
      Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5),
      Duration.ofMinutes(30), Duration.ofHours(2)
    };
    Timer waits = Timer.builder("scoutbot.job.wait")
        .description("How long upload jobs were due before a worker started them")
        .serviceLevelObjectives(buckets)
        .register(registry);
    Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      durations.put(o, Timer.builder("scoutbot.job.duration")
          .description("Upload jobs from submission to their end, by outcome")
          .tag("outcome", o.name().toLowerCase(Locale.ROOT))
          .serviceLevelObjectives(buckets)
          .register(registry));
    }
    Counter retries = Counter.builder("scoutbot.job.retries")
        .description("Attempts that failed transiently and will run again")
        .register(registry);
    return new JobMetrics() {
      @Override
      public void started(Duration waited) {
        waits.record(positive(waited));
      }

      @Override
      public void finished(Outcome outcome, Duration took) {
        durations.get(Objects.requireNonNull(outcome, "outcome")).record(positive(took));
      }

      @Override
      public void retrying() {
        retries.increment();
      }

      // a clock step between two readings must not make a timer refuse or skew a recording
      private Duration positive(Duration d) {
        return d == null || d.isNegative() ? Duration.ZERO : d;
      }
    };
  }
}
