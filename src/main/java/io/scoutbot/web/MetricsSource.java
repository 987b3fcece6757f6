package io.scoutbot.web;

/**
 * Every metric now as Prometheus text exposition format 0.0.4, for {@code GET /metrics} (the metrics
 * registry's scrape). Thread-safe; reads gauges and returns within milliseconds.
 */
@FunctionalInterface
public interface MetricsSource {

  String scrape();

  /** No metrics: an empty, valid exposition. */
  static MetricsSource none() {
    return () -> "";
  }
}
