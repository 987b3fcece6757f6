package io.scoutbot.telegram;

import io.scoutbot.config.ConfigLoader;
import io.scoutbot.config.ScoutConfig;
import io.scoutbot.resource.CoalescingGc;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.time.Sleeper;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Benchmark client: sends one file into chat 1 with {@code sendDocument} through the production
 * delivery path ({@link FileDelivery} over {@link BotApi}, with the GC-after-upload policy the
 * service builds; an open gate and one work slot, since the governor is not what is measured) and
 * prints the wall time and the process CPU time of the send alone (JVM start-up not counted).
 * Settings come from the environment, as the service reads them ({@code BOT_TOKEN}, {@code
 * TELEGRAM_API_BASE_URL}, {@code TELEGRAM_LOCAL_API}), so the token never appears on a command
 * line. Used by {@code bench/telegram_send.sh}; single-threaded.
 */
public final class TelegramSendBench {

  /** The service's coalescing window for GC after upload ({@code app.Application}). */
  private static final Duration GC_WINDOW = Duration.ofSeconds(2);

  private TelegramSendBench() {}

  /**
   * {@code TelegramSendBench FILE [SENDS]}; prints {@code wall_s cpu_s bytes} for each of SENDS
   * (default 1) sends one after the other in this JVM: the later ones show a warm JVM's cost.
   */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int sends = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    long size = Files.size(file);
    ScoutConfig config = ConfigLoader.fromMap(System.getenv(), Path.of("").toAbsolutePath());
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (BotApi api = BotApi.open(config.telegram(), Sleeper.system());
        CoalescingGc gc = CoalescingGc.create(config.resource().gcAfterUpload(), GC_WINDOW)) {
      FileDelivery delivery = FileDelivery.over(api, Gate.open(), WorkLimit.fixed(1), gc);
      String name = file.getFileName().toString();
      for (int i = 0; i < sends; i++) {
        send(delivery, file, name, size, os);
      }
    }
  }

  private static void send(FileDelivery delivery, Path file, String name, long size,
      com.sun.management.OperatingSystemMXBean os) throws InterruptedException {
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    Delivered d = delivery.deliver(
        new DeliveryRequest(1, file, name, Html.text(name), null, null, null));
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    if (d.size() != size || d.asVideo()) {
      throw new IllegalStateException("the server reports " + d.size() + " bytes"
          + (d.asVideo() ? " as a video" : "") + " for a document of " + size);
    }
    System.out.printf("%.3f %.3f %d%n", wall, cpu, size);
  }
}
