package io.scoutbot.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.testing.ManualClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The minimum-speed rule on a manual clock: each read takes as long as the test says. */
@Timeout(10)
class SlowSourceTest {

  private final ManualClock clock = new ManualClock();

  /** A source whose every read of one byte takes {@code perByte} of the manual clock. */
  private InputStream source(Duration perByte) {
    return new InputStream() {
      @Override
      public int read() {
        clock.advance(perByte);
        return 'x';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        clock.advance(perByte);
        b[off] = 'x';
        return 1;
      }
    };
  }

  @Test
  void aByteEveryTenSeconds_isDroppedAfterOneWindow() {
    SlowSource in = new SlowSource(source(Duration.ofSeconds(10)), 1, Duration.ofSeconds(30),
        clock::nanos);

    assertThatThrownBy(() -> {
      for (int i = 0; i < 10; i++) {
        in.read(new byte[16], 0, 16);
      }
    }).isInstanceOfSatisfying(SlowSource.TooSlow.class, e -> {
      assertThat(e.bytes).isEqualTo(3);
      assertThat(clock.nanos()).isEqualTo(Duration.ofSeconds(30).toNanos()
          + new ManualClock().nanos());
    });
  }

  @Test
  void aSteadySourceAboveTheMinimum_isNeverDropped() throws IOException {
    SlowSource in = new SlowSource(source(Duration.ofMillis(500)), 1, Duration.ofSeconds(30),
        clock::nanos);

    for (int i = 0; i < 1000; i++) {
      assertThat(in.read()).isEqualTo('x');
    }
  }

  @Test
  void zeroMinimum_disablesTheRule() throws IOException {
    SlowSource in = new SlowSource(source(Duration.ofMinutes(10)), 0, Duration.ofSeconds(30),
        clock::nanos);

    assertThat(in.read(new byte[4], 0, 4)).isEqualTo(1);
    assertThat(in.read(new byte[4], 0, 4)).isEqualTo(1);
  }

  @Test
  void endOfStream_isNotSlowness() throws IOException {
    SlowSource in = new SlowSource(new ByteArrayInputStream(new byte[0]), 1000,
        Duration.ofSeconds(1), clock::nanos);

    assertThat(in.read()).isEqualTo(-1);
  }
}
