package io.scoutbot.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.scoutbot.storage.pentaract.PentaractRequests;
import java.time.Duration;
import java.util.Objects;
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
    RequestMeters meters = new RequestMeters(registry, "pentaract", "Pentaract", BUCKETS);
    return call -> meters.begin(call)::accept;
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
}
