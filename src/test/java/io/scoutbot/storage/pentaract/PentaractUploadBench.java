package io.scoutbot.storage.pentaract;

import io.scoutbot.config.Secret;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark client: uploads one file {@code --count} times at once through the production {@link
 * PentaractTarget} (same settings, memory budget and threads as the service) and prints the wall
 * time and the process CPU time of the uploads alone (after login, so JVM start-up is not counted).
 * Used by {@code bench/pentaract-upload.sh}.
 */
public final class PentaractUploadBench {

  private PentaractUploadBench() {}

  /**
   * {@code PentaractUploadBench API_URL FILE COUNT SEGMENT_MB [CHUNK_BYTES]}; prints
   * {@code wall_s cpu_s bytes}. {@code PentaractUploadBench sha256 FILE} only hashes the file the
   * same way, with no network, to show what SHA-256 alone costs.
   */
  public static void main(String[] args) throws Exception {
    if (args[0].equals("sha256")) {
      sha256Only(Path.of(args[1]));
      return;
    }
    if (args[0].equals("transport")) {
      transportOnly(URI.create(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
      return;
    }
    URI api = URI.create(args[0]);
    Path file = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    long segmentBytes = Long.parseLong(args[3]) << 20;
    int chunk = args.length > 4 ? Integer.parseInt(args[4]) : 1 << 20;
    long size = Files.size(file);
    MemoryBudget budget = new MemoryBudget(
        MemoryBudget.defaultCapacity(Runtime.getRuntime().maxMemory()), 500L << 20);
    PentaractTarget.Settings settings = new PentaractTarget.Settings(api, "bench@example.com",
        Secret.of("bench"), "ScoutBot-Storage", OptionalLong.empty(), segmentBytes, count,
        Duration.ofSeconds(30), 3, chunk, 10L << 20, Optional.empty());
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (PentaractTarget target = PentaractTarget.create(settings, budget);
        ExecutorService pool = Executors.newFixedThreadPool(count)) {
      if (!target.check().up()) {
        throw new IllegalStateException(target.check().detail());
      }
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      List<Future<StoredObject>> uploads = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String key = "BENCH" + i + "/" + file.getFileName();
        uploads.add(pool.submit(() -> target.upload(
            new UploadRequest(file, key, size, "application/octet-stream", Progress.NONE))));
      }
      for (Future<StoredObject> u : uploads) {
        u.get();
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      System.out.printf("%.3f %.3f %d%n", wall, cpu, size * count);
    }
  }

  /**
   * The same HttpClient 5 client and multipart body, with the file part pumped through one reused
   * 1 MiB buffer and no digest: what the HTTP transport alone costs.
   */
  private static void transportOnly(URI api, Path file, int count) throws Exception {
    long size = Files.size(file);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    PentaractClient.Settings settings = new PentaractClient.Settings(api, "bench@example.com",
        Secret.of("bench"), Duration.ofSeconds(30), Duration.ofSeconds(30),
        Duration.ofSeconds(60), count);
    try (PentaractClient client = new PentaractClient(settings,
            new Failures(api.toString(), "bench@example.com"), java.time.InstantSource.system());
        ExecutorService pool = Executors.newFixedThreadPool(count)) {
      client.login();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      List<Future<Boolean>> uploads = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String path = "bench/" + i + "/" + file.getFileName();
        uploads.add(pool.submit(() -> client.uploadTo(DiscardSink.STORAGE_ID, path,
            new UploadBody(path, new UploadBody.Content() {
              private final byte[] buf = new byte[1 << 20];

              @Override
              public long length() {
                return size;
              }

              @Override
              public void writeTo(java.io.OutputStream out) throws java.io.IOException {
                try (var in = Files.newInputStream(file)) {
                  for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                  }
                }
              }
            }))));
      }
      for (Future<Boolean> u : uploads) {
        u.get();
      }
      System.out.printf("%.3f %.3f %d%n", (System.nanoTime() - t0) / 1e9,
          (os.getProcessCpuTime() - cpu0) / 1e9, size * count);
    }
  }

  private static void sha256Only(Path file) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    byte[] buf = new byte[1 << 20];
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    java.security.MessageDigest d = io.scoutbot.transfer.Sha256.newDigest();
    long total = 0;
    try (var in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; total += n) {
        d.update(buf, 0, n);
      }
    }
    d.digest();
    System.out.printf("%.3f %.3f %d%n", (System.nanoTime() - t0) / 1e9,
        (os.getProcessCpuTime() - cpu0) / 1e9, total);
  }
}
