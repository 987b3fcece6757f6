import io.scoutbot.resource.CoalescingGc;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark helper for bench/gc_after_upload.sh: fills the heap with a burst of short-lived upload
 * buffers (what a burst of in-memory uploads leaves behind), drops them, then asks the real
 * GC-after-upload policy for a collection and prints heap committed and RSS before and after, as
 * one tab-separated line: burst_committed burst_rss after_committed after_rss (MiB).
 * Usage: java -cp target/scoutbot.jar bench/GcShrink.java BURST_MIB [gc|none]
 */
public class GcShrink {
  public static void main(String[] args) throws Exception {
    int burstMib = Integer.parseInt(args[0]);
    boolean gc = args.length < 2 || args[1].equals("gc");
    List<byte[]> live = new ArrayList<>();
    for (int i = 0; i < burstMib; i++) {
      byte[] b = new byte[1024 * 1024];
      for (int j = 0; j < b.length; j += 4096) {
        b[j] = 1; // touch every page so it is resident
      }
      live.add(b);
      if (live.size() > burstMib / 2) {
        live.remove(0); // buffers of finished uploads become garbage while new ones arrive
      }
    }
    live.clear();
    Thread.sleep(200);
    long burstCommitted = committed();
    long burstRss = rss();
    if (gc) {
      try (CoalescingGc policy = CoalescingGc.create(true, Duration.ofMillis(10))) {
        policy.afterUpload("bench");
        while (policy.stats().collections() == 0) {
          Thread.sleep(10);
        }
      }
    }
    Thread.sleep(1000);
    System.out.printf("%d\t%d\t%d\t%d%n", burstCommitted >> 20, burstRss >> 20,
        committed() >> 20, rss() >> 20);
  }

  static long committed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
  }

  static long rss() throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
