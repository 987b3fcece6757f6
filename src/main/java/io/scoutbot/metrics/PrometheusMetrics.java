package io.scoutbot.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The service's one meter registry, scraped as Prometheus text for {@code GET /metrics}. One per
 * process, built by the composition root and handed to the binders ({@link GovernorMeters}, {@link
 * QueueMeters}, {@link PentaractMeters}, {@link JobMetrics}, {@link TransferMetrics}). Thread-safe;
 * starts no thread: gauges are read when scraped, so an unscraped registry costs nothing but memory.
 */
public final class PrometheusMetrics {

  /** The media type of {@link #scrape()}: Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  private PrometheusMetrics(Clock clock) {
    this.registry =
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
  }

  /** A registry on the system clock. */
  public static PrometheusMetrics create() {
    return new PrometheusMetrics(Clock.SYSTEM);
  }

  /**
   * A registry whose timers and ages read {@code wallClock} and {@code ticker} (monotonic
   * nanoseconds), so tests advance a manual clock.
   */
  public static PrometheusMetrics create(InstantSource wallClock, LongSupplier ticker) {
    Objects.requireNonNull(wallClock, "wallClock");
    Objects.requireNonNull(ticker, "ticker");
    return new PrometheusMetrics(
        new Clock() {
          @Override
          public long wallTime() {
            return wallClock.millis();
          }

          @Override
          public long monotonicTime() {
            return ticker.getAsLong();
          }
        });
  }

  /** Where binders and ports register their meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Binds each binder to this registry; returns this, for wiring in one expression. */
  public PrometheusMetrics bind(MeterBinder... binders) {
    for (MeterBinder b : binders) {
      b.bindTo(registry);
    }
    return this;
  }

  /** Every meter now, as Prometheus text ({@link #CONTENT_TYPE}). Reads gauges; never blocks long. */
  public String scrape() {
    return registry.scrape();
  }
}
