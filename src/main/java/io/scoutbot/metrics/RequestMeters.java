package io.scoutbot.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Requests to one remote API, for {@code scoutbot_<api>_requests_total{call,status}} and {@code
 * scoutbot_<api>_request_duration_seconds{call}}: Pentaract's today ({@link PentaractMeters}), the
 * Telegram Bot API's with the bot. Timed on the registry's clock. Thread-safe.
 */
final class RequestMeters {

  private final MeterRegistry registry;
  private final String api;
  private final String shown;
  private final Duration[] buckets;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  /**
   * @param api the name in the metric names, e.g. {@code pentaract}
   * @param shown the name in their descriptions, e.g. {@code Pentaract}
   * @param buckets latency histogram bounds, from the API's quickest call to its slowest
   */
  RequestMeters(MeterRegistry registry, String api, String shown, Duration... buckets) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.api = api;
    this.shown = shown;
    this.buckets = buckets.clone();
  }

  /** A request is being sent; the returned consumer takes its HTTP status, 0 when none came. */
  IntConsumer begin(String call) {
    String c = Labels.word(call);
    Timer.Sample sample = Timer.start(registry);
    return status -> {
      sample.stop(timers.computeIfAbsent(c, k -> Timer
          .builder("scoutbot." + api + ".request.duration")
          .description("Time until " + shown + " answered a request (for uploads including the "
              + "body), by call")
          .tag("call", c)
          .serviceLevelObjectives(buckets)
          .register(registry)));
      String s = statusClass(status);
      counters.computeIfAbsent(c + "/" + s, k -> Counter.builder("scoutbot." + api + ".requests")
              .description("Requests sent to " + shown + ", by call and status class (none: no "
                  + "answer)")
              .tag("call", c)
              .tag("status", s)
              .register(registry))
          .increment();
    };
  }

  /** {@code 2xx} … {@code 5xx}, or {@code none} when no answer came. */
  static String statusClass(int status) {
    return status >= 100 && status < 600 ? status / 100 + "xx" : "none";
  }
}
