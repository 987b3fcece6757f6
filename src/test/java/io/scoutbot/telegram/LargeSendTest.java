package io.scoutbot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.testing.telegram.FakeBotApi;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A send larger than the test JVM's whole heap (surefire runs it with -Xmx256m): it can only
 * succeed if the file is streamed from disk, never held. The file is sparse and the fake stores it
 * sparse, so the test costs little disk.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LargeSendTest {

  private static final long SIZE = 384L << 20;

  @TempDir Path dir;

  @Test
  void aFileLargerThanTheHeap_isSentWhole_toALocalBotApiServer() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory())
        .as("the heap must be smaller than the file for this test to prove streaming")
        .isLessThan(SIZE);
    try (TelegramFixture f = TelegramFixture.start(dir, FakeBotApi.Mode.LOCAL)) {
      f.fake.chat(1, "Op");
      Path file = TelegramFixture.sparse(dir, "big.iso", SIZE);

      Delivered d = FileDelivery.over(f.api, Gate.open(), WorkLimit.fixed(1), GcPolicy.none())
          .deliver(new DeliveryRequest(1, file, "big.iso", Html.text("big"), null, null, null));

      FakeBotApi.SentFile sent = f.fake.sentFiles().get(0);
      assertThat(d.size()).isEqualTo(SIZE);
      assertThat(sent.size()).isEqualTo(SIZE);
      assertThat(sent.sha256()).isEqualTo(TelegramFixture.sha256(file));
    }
  }
}
