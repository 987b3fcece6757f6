package io.scoutbot.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.scoutbot.storage.pentaract.PentaractRequests;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Pentaract's meters: every request by call and status class ({@code
 * scoutbot_pentaract_requests_total}), its latency ({@code
 * scoutbot_pentaract_request_duration_seconds}), and whether the circuit breaker holds Pentaract for
 * unavailable. Thread-safe.
 */
public final class PentaractMeters {

  /** Latency buckets: a login takes milliseconds, a 40 MiB segment's answer up to minutes. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
    Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10)
  };

  private PentaractMeters() {}

  /** The observer to give the Pentaract client; records into {@code registry}. */
  public static PentaractRequests requests(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Map<String, Timer> timers = new ConcurrentHashMap<>();
    Map<String, Counter> counters = new ConcurrentHashMap<>();
    return call -> {
      String c = Labels.word(call);
      Timer.Sample sample = Timer.start(registry);
      return status -> {
        sample.stop(timers.computeIfAbsent(c, k -> Timer.builder("scoutbot.pentaract.request.duration")
            .description("Time until Pentaract answered a request (for uploads: including the "
                + "body), by call")
            .tag("call", c)
            .serviceLevelObjectives(BUCKETS)
            .register(registry)));
        String s = statusClass(status);
        counters.computeIfAbsent(c + "/" + s, k -> Counter.builder("scoutbot.pentaract.requests")
                .description("Requests sent to Pentaract, by call and status class (none: no answer)")
                .tag("call", c)
                .tag("status", s)
                .register(registry))
            .increment();
      };
    };
  }

  /**
   * {@code scoutbot_pentaract_circuit_open}: 1 while repeated outages hold Pentaract for unavailable
   * (calls fail at once and jobs wait), else 0.
   */
  public static MeterBinder circuit(BooleanSupplier open) {
    Objects.requireNonNull(open, "open");
    return registry -> Gauge.builder("scoutbot.pentaract.circuit.open", open,
            o -> o.getAsBoolean() ? 1 : 0)
        .description("1 while the circuit breaker holds Pentaract for unavailable, else 0")
        .strongReference(true)
        .register(registry);
  }

  /** {@code 2xx} … {@code 5xx}, or {@code none} when no answer came. */
  static String statusClass(int status) {
    return status >= 100 && status < 600 ? status / 100 + "xx" : "none";
  }
}
