package io.scoutbot.download;

import io.scoutbot.config.DownloadConfig;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.Fetched;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.MemoryBudget;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * Run in a JVM of its own by {@link FetchMemoryIT}: fetches a warm-up URL, then the measured one,
 * the way the service does (budget from the heap, 1 MiB chunks), and prints the process's peak
 * resident set ({@code VmHWM}) and the budget's peak. Not a test itself.
 */
public final class FetchProbe {

  private FetchProbe() {}

  /** Arguments: warm-up URL, measured URL, work directory. */
  public static void main(String[] args) throws Exception {
    URI warm = URI.create(args[0]);
    URI measured = URI.create(args[1]);
    Path work = Path.of(args[2]);
    MemoryBudget budget =
        new MemoryBudget(MemoryBudget.defaultCapacity(Runtime.getRuntime().maxMemory()), 500L << 20);
    try (UrlFetcher fetcher = new UrlFetcher(DownloadConfig.of(4L << 30, true),
        NetGuard.of(true), budget, 1 << 20, YtDlp.absent("not measured"),
        InstantSource.system(), System::nanoTime)) {
      long size = 0;
      for (URI url : new URI[] {warm, measured}) {
        Path dir = Files.createDirectories(work.resolve(Long.toString(System.nanoTime())));
        Fetched f = fetcher.fetch(new FetchRequest(1, new JobSource.Url(url), "", dir, 4L << 30,
            bytes -> {}));
        size = f.size();
        Files.delete(f.file());
      }
      System.out.println("size=" + size);
    }
    String status = Files.readString(Path.of("/proc/self/status"));
    for (String line : status.split("\n")) {
      if (line.startsWith("VmHWM:")) {
        System.out.println("VmHWM=" + line.replaceAll("\\D", ""));
      }
    }
    System.out.println("budgetPeak=" + budget.peak());
  }
}
