package io.scoutbot.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.config.ResourceConfig;
import io.scoutbot.queue.QueueCounts;
import io.scoutbot.resource.AdaptiveWorkLimit;
import io.scoutbot.resource.CoalescingGc;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.resource.ResourceMonitor;
import io.scoutbot.resource.ThrottleGate;
import io.scoutbot.storage.pentaract.PentaractRequests;
import io.scoutbot.testing.FakeResourceProbe;
import io.scoutbot.testing.ManualClock;
import io.scoutbot.testing.PrometheusText;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The registry with every binder on real governor components: the scrape is strict Prometheus text
 * named by the rules, and the counters move when the components work.
 */
@Timeout(30)
class PrometheusMetricsTest {

  /** Every family the service exports: docs/monitoring.md lists exactly these. */
  static final Set<String> FAMILIES = Set.of(
      "scoutbot_cpu_usage_ratio", "scoutbot_process_cpu_usage_ratio", "scoutbot_cpu_limit_cores",
      "scoutbot_memory_usage_ratio", "scoutbot_memory_used_bytes", "scoutbot_memory_limit_bytes",
      "scoutbot_disk_usage_ratio", "scoutbot_disk_used_bytes", "scoutbot_disk_total_bytes",
      "scoutbot_heap_used_bytes", "scoutbot_heap_committed_bytes", "scoutbot_heap_max_bytes",
      "scoutbot_process_rss_bytes", "scoutbot_resource_limit_source",
      "scoutbot_cpu_threshold_ratio", "scoutbot_memory_threshold_ratio",
      "scoutbot_disk_threshold_ratio", "scoutbot_throttled", "scoutbot_resource_monitoring",
      "scoutbot_resource_sample_age_seconds", "scoutbot_resource_sample_failures_total",
      "scoutbot_throttle_transitions_total", "scoutbot_throttle_waiting",
      "scoutbot_throttle_wait_seconds", "scoutbot_throttle_wait_seconds_max",
      "scoutbot_memory_budget_in_use_bytes", "scoutbot_memory_budget_peak_bytes",
      "scoutbot_memory_budget_capacity_bytes", "scoutbot_memory_budget_per_operation_bytes",
      "scoutbot_memory_budget_waiting", "scoutbot_memory_budget_refusals_total",
      "scoutbot_work_limit", "scoutbot_work_limit_max", "scoutbot_work_in_flight",
      "scoutbot_work_waiting", "scoutbot_gc_after_upload_requests_total",
      "scoutbot_gc_after_upload_collections_total",
      "scoutbot_gc_after_upload_reclaimed_bytes_total",
      "scoutbot_gc_after_upload_released_bytes_total", "scoutbot_queue_jobs",
      "scoutbot_queue_oldest_pending_age_seconds", "scoutbot_job_wait_seconds",
      "scoutbot_job_wait_seconds_max", "scoutbot_job_duration_seconds",
      "scoutbot_job_duration_seconds_max", "scoutbot_job_retries_total",
      "scoutbot_transferred_bytes_total", "scoutbot_pentaract_requests_total",
      "scoutbot_pentaract_request_duration_seconds",
      "scoutbot_pentaract_request_duration_seconds_max", "scoutbot_pentaract_circuit_open");

  private static final Set<String> LABELS = Set.of("outcome", "to", "resource", "source", "state",
      "call", "status", "direction", "target", "le", "quantile");

  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final FakeResourceProbe probe = new FakeResourceProbe();
  private final ResourceConfig config = new ResourceConfig(true, Duration.ofMinutes(10), 80, 80,
      90, 10, 1 << 20, 65_536, true, Duration.ofSeconds(2), 0, Duration.ofSeconds(20),
      Duration.ofSeconds(5), 0);
  private final ResourceMonitor monitor = new ResourceMonitor(probe, config, clock, clock);
  private final ThrottleGate gate = new ThrottleGate(monitor, Duration.ofSeconds(5),
      Duration.ofSeconds(20), Duration.ofSeconds(2), clock, clock::advance);
  private final MemoryBudget budget = new MemoryBudget(1 << 20, 1 << 20);
  private final AdaptiveWorkLimit workLimit = new AdaptiveWorkLimit(3, 3);
  private final CoalescingGc gc = CoalescingGc.create(true, Duration.ofSeconds(2));
  private final AtomicReference<QueueCounts> counts = new AtomicReference<>(
      new QueueCounts(2, 1, 1, 40, 3, 1, Instant.parse("2026-03-01T11:59:00Z")));
  private final AtomicInteger countReads = new AtomicInteger();
  private final AtomicBoolean circuitOpen = new AtomicBoolean();
  private final PrometheusMetrics metrics = PrometheusMetrics.create(clock, clock)
      .bind(GovernorMeters.monitor(monitor), GovernorMeters.gate(gate),
          GovernorMeters.budget(budget), GovernorMeters.workLimit(workLimit),
          GovernorMeters.gc(gc),
          QueueMeters.depth(() -> {
            countReads.incrementAndGet();
            QueueCounts c = counts.get();
            if (c == null) {
              throw new IllegalStateException("database is down");
            }
            return c;
          }),
          PentaractMeters.circuit(circuitOpen::get));
  private final JobMetrics jobs = JobMetrics.on(metrics.registry());
  private final TransferMetrics transfers = TransferMetrics.on(metrics.registry());
  private final PentaractRequests requests = PentaractMeters.requests(metrics.registry());

  @BeforeEach
  void wireAsTheServiceDoes() {
    monitor.addListener(workLimit);
  }

  @AfterEach
  void close() {
    gc.close();
  }

  private PrometheusText scrape() {
    clock.advance(Duration.ofSeconds(2)); // a new scrape, past the queue counts' reuse window
    return PrometheusText.parse(metrics.scrape());
  }

  @Test
  void scrape_isStrictPrometheusText_withEveryFamilyNamedByTheRules() {
    assertThat(PrometheusText.parse(metrics.scrape()).families()).as("before any sample")
        .isNotEmpty();
    probe.set(50, 60);
    monitor.sampleOnce();
    jobs.started(Duration.ofSeconds(3));
    jobs.finished(JobMetrics.Outcome.COMPLETED, Duration.ofSeconds(30));
    transfers.transferred(TransferMetrics.Direction.UPLOAD, "pentaract", 1000);
    requests.begin("upload").end(201);

    PrometheusText text = scrape();

    assertThat(new TreeSet<>(text.families().keySet())).isEqualTo(new TreeSet<>(FAMILIES));
    for (PrometheusText.Family f : text.families().values()) {
      assertThat(f.help()).as("HELP of %s", f.name()).isNotBlank();
      switch (f.type()) {
        case "counter" -> assertThat(f.name()).endsWith("_total");
        case "histogram", "summary" -> assertThat(f.name()).endsWith("_seconds");
        default -> assertThat(f.name()).doesNotEndWith("_total");
      }
      if (f.name().contains("bytes")) {
        assertThat(f.name()).matches(".*_bytes(_total)?");
      }
      f.samples().forEach(s -> assertThat(LABELS).containsAll(s.labels().keySet()));
    }
  }

  @Test
  void resourceGauges_showTheLatestSample_andTheLimitSource() {
    probe.set(45.5, 62.5, 35);
    monitor.sampleOnce();
    clock.advance(Duration.ofSeconds(3));

    PrometheusText t = scrape();

    assertThat(t.valueOf("scoutbot_cpu_usage_ratio")).isEqualTo(0.455);
    assertThat(t.valueOf("scoutbot_memory_usage_ratio")).isEqualTo(0.625);
    assertThat(t.valueOf("scoutbot_memory_limit_bytes"))
        .isEqualTo((double) FakeResourceProbe.MEMORY_LIMIT);
    assertThat(t.valueOf("scoutbot_disk_total_bytes"))
        .isEqualTo((double) FakeResourceProbe.DISK_TOTAL);
    assertThat(t.valueOf("scoutbot_process_rss_bytes")).isEqualTo(300.0 * (1 << 20));
    assertThat(t.valueOf("scoutbot_resource_limit_source", "resource", "memory", "source",
        "cgroup-v2")).isEqualTo(1.0);
    assertThat(t.valueOf("scoutbot_resource_limit_source", "resource", "memory", "source",
        "host")).isEqualTo(0.0);
    assertThat(t.valueOf("scoutbot_memory_threshold_ratio")).isEqualTo(0.8);
    assertThat(t.valueOf("scoutbot_resource_sample_age_seconds")).isEqualTo(5.0);
    assertThat(t.valueOf("scoutbot_throttled")).isZero();
  }

  @Test
  void gaugesBeforeTheFirstSample_areNaN_notZero() {
    PrometheusText t = PrometheusText.parse(metrics.scrape());

    assertThat(t.valueOf("scoutbot_cpu_usage_ratio")).isNaN();
    assertThat(t.valueOf("scoutbot_memory_used_bytes")).isNaN();
  }

  @Test
  void countersMove_whenTheGovernorWorks() throws InterruptedException {
    PrometheusText before = scrape();

    probe.set(95, 40);
    monitor.sampleOnce();
    gate.awaitCapacity("upload"); // waits 20 s, then proceeds anyway
    probe.set(20, 40);
    monitor.sampleOnce();
    monitor.sampleOnce();
    try (MemoryBudget.Permit p = budget.reserve(768 << 10)) {
      assertThat(budget.tryReserve(512 << 10)).isEmpty();
      PrometheusText during = scrape();
      assertThat(during.valueOf("scoutbot_memory_budget_in_use_bytes")).isEqualTo(768 << 10);
    }
    try (var slot = workLimit.acquire("upload")) {
      assertThat(scrape().valueOf("scoutbot_work_in_flight")).isEqualTo(1.0);
    }
    PrometheusText after = scrape();

    assertThat(before.valueOf("scoutbot_throttle_transitions_total", "to", "throttled")).isZero();
    assertThat(after.valueOf("scoutbot_throttle_transitions_total", "to", "throttled"))
        .isEqualTo(1.0);
    assertThat(after.valueOf("scoutbot_throttle_transitions_total", "to", "normal"))
        .isEqualTo(1.0);
    assertThat(after.valueOf("scoutbot_throttle_wait_seconds_count", "outcome",
        "proceeded_anyway")).isEqualTo(1.0);
    assertThat(after.valueOf("scoutbot_throttle_wait_seconds_sum", "outcome",
        "proceeded_anyway")).isEqualTo(20.0);
    assertThat(after.valueOf("scoutbot_memory_budget_refusals_total")).isEqualTo(1.0);
    assertThat(after.valueOf("scoutbot_memory_budget_peak_bytes")).isEqualTo(768 << 10);
    assertThat(after.valueOf("scoutbot_memory_budget_in_use_bytes")).isZero();
    assertThat(after.valueOf("scoutbot_work_limit")).as("dropped to 1 while throttled")
        .isEqualTo(1.0);
    assertThat(after.valueOf("scoutbot_work_limit_max")).isEqualTo(3.0);
    assertThat(after.valueOf("scoutbot_gc_after_upload_requests_total")).isZero();
  }

  @Test
  void aThrottledStateEnteredBeforeBinding_isNoTransition() {
    ResourceMonitor hot = new ResourceMonitor(probe, config, clock, clock);
    probe.set(95, 40);
    hot.sampleOnce();
    PrometheusMetrics late =
        PrometheusMetrics.create(clock, clock).bind(GovernorMeters.monitor(hot));

    hot.sampleOnce();
    probe.set(10, 10);
    hot.sampleOnce();
    hot.sampleOnce();

    PrometheusText t = PrometheusText.parse(late.scrape());
    assertThat(t.valueOf("scoutbot_throttle_transitions_total", "to", "throttled")).isZero();
    assertThat(t.valueOf("scoutbot_throttle_transitions_total", "to", "normal")).isEqualTo(1.0);
  }

  @Test
  void jobsTransfersAndPentaract_countWhatTheyAreTold() {
    jobs.started(Duration.ofSeconds(4));
    jobs.finished(JobMetrics.Outcome.COMPLETED, Duration.ofSeconds(90));
    jobs.finished(JobMetrics.Outcome.FAILED, Duration.ofMinutes(10));
    jobs.retrying();
    transfers.transferred(TransferMetrics.Direction.UPLOAD, "pentaract", 40 << 20);
    transfers.transferred(TransferMetrics.Direction.UPLOAD, "pentaract", 2 << 20);
    transfers.transferred(TransferMetrics.Direction.DOWNLOAD, "local", 5);
    PentaractRequests.Exchange upload = requests.begin("upload");
    clock.advance(Duration.ofSeconds(3));
    upload.end(201);
    requests.begin("login").end(0);
    circuitOpen.set(true);

    PrometheusText t = scrape();

    assertThat(t.valueOf("scoutbot_job_wait_seconds_count")).isEqualTo(1.0);
    assertThat(t.valueOf("scoutbot_job_duration_seconds_count", "outcome", "completed"))
        .isEqualTo(1.0);
    assertThat(t.valueOf("scoutbot_job_duration_seconds_bucket", "outcome", "failed", "le",
        "300.0")).as("10 minutes is above the 5-minute bucket").isZero();
    assertThat(t.valueOf("scoutbot_job_duration_seconds_count", "outcome", "cancelled")).isZero();
    assertThat(t.valueOf("scoutbot_job_retries_total")).isEqualTo(1.0);
    assertThat(t.valueOf("scoutbot_transferred_bytes_total", "direction", "upload", "target",
        "pentaract")).isEqualTo(42.0 * (1 << 20));
    assertThat(t.valueOf("scoutbot_transferred_bytes_total", "direction", "download", "target",
        "local")).isEqualTo(5.0);
    assertThat(t.valueOf("scoutbot_pentaract_requests_total", "call", "upload", "status", "2xx"))
        .isEqualTo(1.0);
    assertThat(t.valueOf("scoutbot_pentaract_requests_total", "call", "login", "status", "none"))
        .isEqualTo(1.0);
    assertThat(t.valueOf("scoutbot_pentaract_request_duration_seconds_sum", "call", "upload"))
        .isEqualTo(3.0);
    assertThat(t.valueOf("scoutbot_pentaract_circuit_open")).isEqualTo(1.0);
  }

  @Test
  void queueGauges_readTheDepthOncePerScrape_andStayEmptyWhileItFails() {
    PrometheusText t = scrape();
    assertThat(countReads.get()).isEqualTo(1);
    assertThat(t.valueOf("scoutbot_queue_jobs", "state", "pending")).isEqualTo(2.0);
    assertThat(t.valueOf("scoutbot_queue_jobs", "state", "completed")).isEqualTo(40.0);
    assertThat(t.valueOf("scoutbot_queue_jobs", "state", "blocked")).isEqualTo(1.0);
    assertThat(t.valueOf("scoutbot_queue_oldest_pending_age_seconds")).isEqualTo(62.0);

    counts.set(null);
    PrometheusText down = scrape();

    assertThat(countReads.get()).isEqualTo(2);
    assertThat(down.valueOf("scoutbot_queue_jobs", "state", "pending")).isNaN();
    assertThat(down.valueOf("scoutbot_work_limit")).as("the rest is unaffected").isEqualTo(3.0);
  }

  @Test
  void labelValues_neverCarryAFileNameOrAUserId() {
    transfers.transferred(TransferMetrics.Direction.UPLOAD, "holiday photos/IMG_0001.jpg", 10);
    requests.begin("upload ABC123 for user 42").end(200);

    PrometheusText t = scrape();

    assertThat(t.valueOf("scoutbot_transferred_bytes_total", "direction", "upload", "target",
        "other")).isEqualTo(10.0);
    assertThat(t.valueOf("scoutbot_pentaract_requests_total", "call", "other", "status", "2xx"))
        .isEqualTo(1.0);
  }

  @ParameterizedTest
  @CsvSource({"0, none", "99, none", "200, 2xx", "201, 2xx", "302, 3xx", "401, 4xx", "409, 4xx",
      "503, 5xx", "600, none"})
  void statusClass_groupsStatusesIntoFewLabels(int status, String label) {
    assertThat(RequestMeters.statusClass(status)).isEqualTo(label);
  }

  @Test
  void bindingSeveralTimes_isHarmless() {
    Map<String, PrometheusText.Family> once = scrape().families();
    metrics.bind(GovernorMeters.budget(budget), GovernorMeters.workLimit(workLimit));

    assertThat(scrape().families().keySet()).isEqualTo(once.keySet());
  }
}
