package io.scoutbot.download;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** yt-dlp's progress lines, as printed with our template. */
@Timeout(10)
class YtDlpProgressTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
    "[scoutbot-progress] 1024 3000000 NA downloading | 1024 | 3000000 | false",
    "[scoutbot-progress] 3000000 3000000 NA finished | 3000000 | 3000000 | true",
    "[scoutbot-progress] 2048 NA 5000000.5 downloading | 2048 | 5000000 | false",
    "[scoutbot-progress] 2048 NA NA downloading | 2048 | -1 | false",
    "[scoutbot-progress] NA NA NA downloading | NULL | NULL | NULL",
    "[download]  12.5% of 3.00MiB | NULL | NULL | NULL",
    "ERROR: Unsupported URL: http://x | NULL | NULL | NULL",
    "[scoutbot-progress] | NULL | NULL | NULL"
  })
  void parse_readsOurLines_andIgnoresEverythingElse(String line, Long downloaded, Long total,
      Boolean finished) {
    var sample = YtDlpProgress.parse(line);

    if (downloaded == null) {
      assertThat(sample).isEmpty();
    } else {
      assertThat(sample).hasValue(new YtDlpProgress.Sample(downloaded, total, finished));
    }
  }
}
