import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.config.ResourceConfig;
import io.scoutbot.db.Database;
import io.scoutbot.files.FileDesk;
import io.scoutbot.resource.AdaptiveWorkLimit;
import io.scoutbot.resource.CoalescingGc;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.resource.ResourceMonitor;
import io.scoutbot.resource.ResourceProbe;
import io.scoutbot.resource.Sleeper;
import io.scoutbot.resource.ThrottleGate;
import io.scoutbot.storage.local.LocalDirectoryStore;
import io.scoutbot.transfer.Progress;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark helper for bench/concurrent_uploads.sh: uploads every FILE at once (one thread each)
 * through the file desk into the local store, wired as Application wires it (memory budget from
 * the max heap, monitor, gate, adaptive work limit allowing all of them, coalesced GC after
 * upload). Prints one tab-separated line: files bytes seconds budget_capacity budget_peak
 * heap_committed_max gc_requests gc_collections (bytes as plain numbers).
 * Usage: java -Xmx96m -cp target/scoutbot.jar bench/ConcurrentUploads.java DATA_DIR CHUNK FILE...
 */
public class ConcurrentUploads {
  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    int chunk = Integer.parseInt(args[1]);
    List<Path> files = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      files.add(Path.of(args[i]));
    }
    MemoryBudget budget =
        new MemoryBudget(MemoryBudget.defaultCapacity(Runtime.getRuntime().maxMemory()), 500L << 20);
    // thresholds nothing can exceed: this measures memory, not throttling on a noisy machine
    ResourceConfig rc = new ResourceConfig(true, Duration.ofMinutes(10), 100, 100, 100, 10,
        500L << 20, chunk, true, Duration.ofSeconds(2), 10L << 20, Duration.ofSeconds(300),
        Duration.ofSeconds(5), 0);
    ResourceMonitor monitor =
        new ResourceMonitor(ResourceProbe.system(dataDir), rc, InstantSource.system(),
            System::nanoTime);
    AdaptiveWorkLimit limit = new AdaptiveWorkLimit(Math.max(1, files.size()), 3);
    monitor.addListener(limit);
    ThrottleGate gate = new ThrottleGate(monitor, rc.throttlePoll(), rc.throttleMaxWait(),
        rc.sampleInterval(), System::nanoTime, Sleeper.system());
    AtomicLong heapMax = new AtomicLong();
    monitor.addListener((t, c) -> heapMax.accumulateAndGet(
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(), Math::max));
    monitor.start();
    try (Database db = Database.open("jdbc:sqlite:" + dataDir.resolve("scoutbot.db"));
        CoalescingGc gc = CoalescingGc.create(true, Duration.ofSeconds(2))) {
      FileDesk desk = new FileDesk(new JdbcFileCatalog(db, FileCodes.random(),
              InstantSource.system()),
          new LocalDirectoryStore(dataDir.resolve("storage"), budget, chunk), gate, limit, gc);
      long bytes = 0;
      for (Path f : files) {
        bytes += java.nio.file.Files.size(f);
      }
      long start = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = new ArrayList<>();
      for (Path f : files) {
        threads.add(Thread.ofPlatform().start(() -> {
          try {
            desk.upload(0, f, null, Progress.NONE);
          } catch (Throwable e) {
            synchronized (failures) {
              failures.add(e);
            }
          }
        }));
      }
      for (Thread t : threads) {
        t.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!failures.isEmpty()) {
        throw new IllegalStateException("uploads failed: " + failures, failures.get(0));
      }
      if (budget.peak() > budget.capacity()) {
        throw new IllegalStateException("budget exceeded: " + budget.peak());
      }
      // let the coalesced GC-after-upload run (it is scheduled 2 s after the first request)
      long until = System.nanoTime() + 5_000_000_000L;
      while (!files.isEmpty() && gc.stats().collections() == 0 && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      heapMax.accumulateAndGet(
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(), Math::max);
      System.out.printf("%d\t%d\t%.2f\t%d\t%d\t%d\t%d\t%d%n", files.size(), bytes, seconds,
          budget.capacity(), budget.peak(), heapMax.get(), gc.stats().requests(),
          gc.stats().collections());
    } finally {
      monitor.stop();
    }
  }
}
