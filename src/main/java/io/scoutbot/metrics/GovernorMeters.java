package io.scoutbot.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.scoutbot.resource.AdaptiveWorkLimit;
import io.scoutbot.resource.CoalescingGc;
import io.scoutbot.resource.LimitSource;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.resource.ResourceMonitor;
import io.scoutbot.resource.ResourceSample;
import io.scoutbot.resource.ThrottleGate;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The resource governor's meters: the monitor's latest reading and throttling state, the throttle
 * gate's waits, the memory budget, the adaptive work limit and GC after upload. Each factory returns
 * a binder for one component; gauges read the component when scraped (never the probe), so binding
 * costs nothing between scrapes. Stateless apart from the monitor binder's transition counting.
 */
public final class GovernorMeters {

  private GovernorMeters() {}

  /**
   * The latest sample as gauges (CPU, memory with its limit and where the limit came from, disk,
   * heap, RSS), the thresholds, whether heavy work is throttled, and the transitions between the
   * two states. Binding also registers a listener with {@code monitor}.
   */
  public static MeterBinder monitor(ResourceMonitor monitor) {
    Objects.requireNonNull(monitor, "monitor");
    return registry -> new MonitorMeters(monitor).bindTo(registry);
  }

  /** Operations waiting in the gate now, and every finished wait: its length and how it ended. */
  public static MeterBinder gate(ThrottleGate gate) {
    Objects.requireNonNull(gate, "gate");
    return registry -> {
      Gauge.builder("scoutbot.throttle.waiting", gate, ThrottleGate::waiting)
          .description("Heavy operations waiting in the throttle gate now")
          .strongReference(true)
          .register(registry);
      Map<ThrottleGate.Outcome, Timer> waits = new EnumMap<>(ThrottleGate.Outcome.class);
      for (ThrottleGate.Outcome o : ThrottleGate.Outcome.values()) {
        waits.put(o, Timer.builder("scoutbot.throttle.wait")
            .description("Waits of heavy operations in the throttle gate, by how they ended: "
                + "relieved (pressure ended), proceeded_anyway (the maximum wait ran out), "
                + "interrupted")
            .tag("outcome", o.name().toLowerCase(Locale.ROOT))
            .register(registry));
      }
      gate.addListener((waited, outcome) -> waits.get(outcome).record(waited));
    };
  }

  /** The memory budget for file buffers: in use, high-water mark, capacity, waiters, refusals. */
  public static MeterBinder budget(MemoryBudget budget) {
    Objects.requireNonNull(budget, "budget");
    return registry -> {
      bytes(registry, "scoutbot.memory.budget.in.use", budget, MemoryBudget::inUse,
          "Bytes of file buffers reserved from the memory budget now");
      bytes(registry, "scoutbot.memory.budget.peak", budget, MemoryBudget::peak,
          "Most bytes ever reserved from the memory budget at once since start");
      bytes(registry, "scoutbot.memory.budget.capacity", budget, MemoryBudget::capacity,
          "The memory budget's global cap (RESOURCE_MEMORY_BUDGET_MB, or 40 % of the max heap)");
      bytes(registry, "scoutbot.memory.budget.per.operation", budget, MemoryBudget::perOperation,
          "Most bytes one operation may hold (RESOURCE_MAX_MEMORY_MB)");
      Gauge.builder("scoutbot.memory.budget.waiting", budget, MemoryBudget::waiting)
          .description("Operations waiting for memory from the budget now")
          .strongReference(true)
          .register(registry);
      FunctionCounter.builder("scoutbot.memory.budget.refusals", budget, MemoryBudget::refusals)
          .description("Reservations the memory budget turned down (the caller streamed with a "
              + "smaller buffer, or its timed wait ran out)")
          .register(registry);
    };
  }

  /** The limit on concurrent heavy operations, which drops to 1 under pressure. */
  public static MeterBinder workLimit(AdaptiveWorkLimit limit) {
    Objects.requireNonNull(limit, "limit");
    return registry -> {
      gauge(registry, "scoutbot.work.limit", limit, AdaptiveWorkLimit::limit,
          "Heavy operations allowed at once now (drops to 1 under pressure)");
      gauge(registry, "scoutbot.work.limit.max", limit, AdaptiveWorkLimit::max,
          "Heavy operations allowed at once when calm (PENTARACT_MAX_CONCURRENT_UPLOADS)");
      gauge(registry, "scoutbot.work.in.flight", limit, AdaptiveWorkLimit::inFlight,
          "Heavy operations running now");
      gauge(registry, "scoutbot.work.waiting", limit, AdaptiveWorkLimit::waiting,
          "Heavy operations waiting for a slot now");
    };
  }

  /** GC after upload: requests, collections run, and what they reclaimed and gave back. */
  public static MeterBinder gc(CoalescingGc gc) {
    Objects.requireNonNull(gc, "gc");
    return registry -> {
      FunctionCounter.builder("scoutbot.gc.after.upload.requests", gc, g -> g.stats().requests())
          .description("Uploads that asked for a collection (RESOURCE_GC_AFTER_UPLOAD)")
          .register(registry);
      FunctionCounter.builder("scoutbot.gc.after.upload.collections", gc,
              g -> g.stats().collections())
          .description("Collections run after uploads (requests close together share one)")
          .register(registry);
      FunctionCounter.builder("scoutbot.gc.after.upload.reclaimed", gc,
              g -> g.stats().reclaimedBytes())
          .baseUnit("bytes")
          .description("Heap freed by collections after uploads")
          .register(registry);
      FunctionCounter.builder("scoutbot.gc.after.upload.released", gc,
              g -> g.stats().releasedBytes())
          .baseUnit("bytes")
          .description("Committed heap given back to the OS by collections after uploads")
          .register(registry);
    };
  }

  private static <T> void gauge(MeterRegistry registry, String name, T obj,
      ToDoubleFunction<T> value, String description) {
    Gauge.builder(name, obj, value).description(description).strongReference(true)
        .register(registry);
  }

  private static <T> void bytes(MeterRegistry registry, String name, T obj,
      ToDoubleFunction<T> value, String description) {
    Gauge.builder(name, obj, value).baseUnit("bytes").description(description)
        .strongReference(true).register(registry);
  }

  /** The monitor's gauges, and the transition counters its listener moves. */
  private static final class MonitorMeters implements ResourceMonitor.Listener {
    private final ResourceMonitor monitor;
    private Counter toThrottled;
    private Counter toNormal;
    private boolean throttled;

    MonitorMeters(ResourceMonitor monitor) {
      this.monitor = monitor;
    }

    void bindTo(MeterRegistry registry) {
      ratio(registry, "scoutbot.cpu.usage", s -> s.cpuPercent() / 100,
          "CPU use of the container against its quota (of the host when none), 0-1");
      ratio(registry, "scoutbot.process.cpu.usage", s -> s.processCpuPercent() / 100,
          "CPU use of this process against the same cores, 0-1");
      sample(registry, "scoutbot.cpu.limit", "cores", ResourceSample::cpuCores,
          "Cores the CPU use is measured against (a fraction under a cgroup quota)");
      ratio(registry, "scoutbot.memory.usage", s -> s.memoryPercent() / 100,
          "Memory in use against the memory limit, 0-1 (the working set, not page cache)");
      sample(registry, "scoutbot.memory.used", "bytes", s -> known(s.memoryUsedBytes()),
          "Memory in use: the container's working set, or the host's total minus available");
      sample(registry, "scoutbot.memory.limit", "bytes", s -> known(s.memoryLimitBytes()),
          "The container's memory limit, or the host's memory when none is set");
      ratio(registry, "scoutbot.disk.usage", s -> s.diskPercent() / 100,
          "Used space of the filesystem holding DATA_DIR, 0-1");
      sample(registry, "scoutbot.disk.used", "bytes", s -> known(s.diskUsedBytes()),
          "Used bytes of the filesystem holding DATA_DIR");
      sample(registry, "scoutbot.disk.total", "bytes", s -> known(s.diskTotalBytes()),
          "Size of the filesystem holding DATA_DIR, as far as ScoutBot may fill it");
      sample(registry, "scoutbot.heap.used", "bytes", s -> known(s.heapUsedBytes()),
          "JVM heap in use");
      sample(registry, "scoutbot.heap.committed", "bytes", s -> known(s.heapCommittedBytes()),
          "JVM heap committed (taken from the OS)");
      sample(registry, "scoutbot.heap.max", "bytes", s -> known(s.heapMaxBytes()),
          "JVM maximum heap");
      sample(registry, "scoutbot.process.rss", "bytes", s -> known(s.rssBytes()),
          "Resident set size of this process");
      for (LimitSource source : LimitSource.values()) {
        limitSource(registry, "memory", source, ResourceSample::memorySource);
        limitSource(registry, "cpu", source, ResourceSample::cpuSource);
      }
      threshold(registry, "scoutbot.cpu.threshold", monitor.thresholds().cpu(),
          "RESOURCE_CPU_THRESHOLD as a ratio: above it heavy work is throttled");
      threshold(registry, "scoutbot.memory.threshold", monitor.thresholds().memory(),
          "RESOURCE_MEMORY_THRESHOLD as a ratio: above it heavy work is throttled");
      threshold(registry, "scoutbot.disk.threshold", monitor.thresholds().disk(),
          "RESOURCE_DISK_THRESHOLD as a ratio: above it heavy work is throttled");
      Gauge.builder("scoutbot.throttled", monitor, m -> m.throttled() ? 1 : 0)
          .description("1 while heavy work is throttled (resources above a threshold), else 0")
          .strongReference(true)
          .register(registry);
      Gauge.builder("scoutbot.resource.monitoring", monitor, m -> m.running() ? 1 : 0)
          .description("1 while the resource monitor samples in the background")
          .strongReference(true)
          .register(registry);
      Gauge.builder("scoutbot.resource.sample.age", monitor,
              m -> m.latest()
                  .map(r -> (registry.config().clock().wallTime() - r.at().toEpochMilli()) / 1e3)
                  .orElse(Double.NaN))
          .baseUnit("seconds")
          .description("Age of the latest resource sample (RESOURCE_SAMPLE_SECONDS apart)")
          .strongReference(true)
          .register(registry);
      FunctionCounter.builder("scoutbot.resource.sample.failures", monitor,
              ResourceMonitor::failures)
          .description("Resource samples that failed (the previous state was kept)")
          .register(registry);
      toThrottled = transitions(registry, "throttled");
      toNormal = transitions(registry, "normal");
      synchronized (this) {
        throttled = monitor.throttled(); // a state entered before binding is no transition
      }
      monitor.addListener(this);
    }

    @Override
    public void onSample(boolean nowThrottled, boolean calm) {
      Counter moved = null;
      synchronized (this) {
        if (nowThrottled != throttled) {
          throttled = nowThrottled;
          moved = nowThrottled ? toThrottled : toNormal;
        }
      }
      if (moved != null) {
        moved.increment();
      }
    }

    private static Counter transitions(MeterRegistry registry, String to) {
      return Counter.builder("scoutbot.throttle.transitions")
          .description("Changes of the throttling state, by the state entered")
          .tag("to", to)
          .register(registry);
    }

    private void ratio(MeterRegistry registry, String name, ToDoubleFunction<ResourceSample> f,
        String description) {
      sample(registry, name, "ratio", f, description);
    }

    private void sample(MeterRegistry registry, String name, String unit,
        ToDoubleFunction<ResourceSample> f, String description) {
      Gauge.builder(name, monitor,
              m -> m.latest().map(r -> f.applyAsDouble(r.sample())).orElse(Double.NaN))
          .baseUnit(unit)
          .description(description)
          .strongReference(true)
          .register(registry);
    }

    private void limitSource(MeterRegistry registry, String resource, LimitSource source,
        Function<ResourceSample, LimitSource> of) {
      Gauge.builder("scoutbot.resource.limit.source", monitor,
              m -> m.latest().map(r -> of.apply(r.sample()) == source ? 1.0 : 0.0)
                  .orElse(Double.NaN))
          .description("1 for where the limit of each resource was read from: cgroup-v2, "
              + "cgroup-v1, or host (no container limit)")
          .tag("resource", resource)
          .tag("source", source.label())
          .strongReference(true)
          .register(registry);
    }

    private static void threshold(MeterRegistry registry, String name, double percent,
        String description) {
      Gauge.builder(name, () -> percent / 100)
          .baseUnit("ratio")
          .description(description)
          .strongReference(true)
          .register(registry);
    }

    private static double known(long bytes) {
      return bytes < 0 ? Double.NaN : bytes;
    }
  }
}
