package io.scoutbot.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.testing.LocalWebServer;
import io.scoutbot.testing.ScoutProcesses;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch side of "memory never grows with file size", measured as the process sees it: a 2 GiB
 * download in a JVM capped at 64 MiB of heap peaks within 10 % of the resident memory a 10 MiB
 * download needs. Each size runs in a fresh JVM ({@link FetchProbe}) after the same warm-up fetch,
 * so class loading and JIT count alike on both sides; the local server runs in this JVM.
 */
@Timeout(600)
class FetchMemoryIT {

  private static final long MIB = 1 << 20;

  @TempDir Path tmp;
  @RegisterExtension final ScoutProcesses probes = ScoutProcesses.in(() -> tmp).jvm("-Xmx64m");

  @Test
  void aTwoGibDownload_peaksWithinTenPercentOfATenMibOne_underA64MibHeap() throws Exception {
    try (LocalWebServer web = LocalWebServer.start()) {
      web.file("/warm.bin", sparse("warm.bin", 64 * MIB), "application/octet-stream");
      web.file("/small.bin", sparse("small.bin", 10 * MIB), "application/octet-stream");
      web.file("/large.bin", sparse("large.bin", 2048 * MIB), "application/octet-stream");

      Map<String, Long> small = probe(web, "/small.bin");
      Map<String, Long> large = probe(web, "/large.bin");

      assertThat(small.get("size")).isEqualTo(10 * MIB);
      assertThat(large.get("size")).isEqualTo(2048 * MIB);
      assertThat(large.get("budgetPeak")).as("one 1 MiB buffer").isLessThanOrEqualTo(MIB);
      System.out.printf("peak RSS: 10 MiB download %d KiB, 2 GiB download %d KiB (%+.1f %%)%n",
          small.get("VmHWM"), large.get("VmHWM"),
          (large.get("VmHWM") - small.get("VmHWM")) * 100.0 / small.get("VmHWM"));
      assertThat((double) large.get("VmHWM"))
          .as("peak RSS of the 2 GiB download against the 10 MiB one (KiB)")
          .isLessThanOrEqualTo(small.get("VmHWM") * 1.10);
    }
  }

  private Path sparse(String name, long size) throws IOException {
    Path f = tmp.resolve(name);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(size);
    }
    return f;
  }

  private Map<String, Long> probe(LocalWebServer web, String path) throws Exception {
    Path testClasses =
        Path.of(FetchProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String name = "probe-" + path.substring(1);
    Path work = Files.createDirectories(tmp.resolve("work"));
    Process p = probes.startClass(name, List.of(testClasses), FetchProbe.class.getName(),
        web.url("/warm.bin").toString(), web.url(path).toString(), work.toString());
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      throw new AssertionError("the probe did not finish:\n" + probes.err(name));
    }
    String text = probes.out(name) + probes.err(name);
    assertThat(p.exitValue()).as(text).isZero();
    Map<String, Long> values = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && line.substring(eq + 1).strip().matches("\\d+")) {
        values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).strip()));
      }
    }
    return values;
  }
}
