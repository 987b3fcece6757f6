package io.scoutbot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings of fetching, file safety and the temp sweep: defaults, values, rejections. */
@Timeout(10)
class FetchSettingsTest {

  private static final Path WORK = Path.of("/tmp/scoutbot-config-test");

  private static ScoutConfig load(Map<String, String> env) {
    return ConfigLoader.fromMap(env, WORK);
  }

  @Test
  void defaults() {
    ScoutConfig c = load(Map.of("NODE_ID", "n1"));
    DownloadConfig d = c.download();

    assertThat(d.maxBytes()).isEqualTo(500L << 20);
    assertThat(d.allowPrivateNetworks()).isFalse();
    assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.minBytesPerSecond()).isEqualTo(1024);
    assertThat(d.ytDlpEnabled()).isTrue();
    assertThat(d.ytDlpPath()).as("looked for on PATH").isNull();
    assertThat(d.ytDlpTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.ytDlpHosts()).contains("youtube.com", "youtu.be", "vimeo.com");
    assertThat(c.safety().blockedExtensions()).contains("exe", "bat", "sh", "jar", "apk", "js")
        .doesNotContain("pdf", "zip", "gz");
    assertThat(c.safety().checkContent()).isTrue();
    assertThat(c.cleanup().minAge()).isEqualTo(Duration.ofMinutes(60));
    assertThat(c.effective()).containsKeys("DOWNLOAD_TIMEOUT", "DOWNLOAD_MIN_BYTES_PER_SECOND",
        "DOWNLOAD_YTDLP", "DOWNLOAD_YTDLP_TIMEOUT", "DOWNLOAD_YTDLP_HOSTS",
        "SAFETY_BLOCKED_EXTENSIONS", "SAFETY_CHECK_CONTENT", "CLEANUP_MIN_AGE_MINUTES");
  }

  @Test
  void values_areRead() {
    ScoutConfig c = load(Map.of(
        "DOWNLOAD_MAX_MB", "20", "DOWNLOAD_ALLOW_PRIVATE_NETWORKS", "true",
        "DOWNLOAD_TIMEOUT", "12", "DOWNLOAD_MIN_BYTES_PER_SECOND", "0",
        "DOWNLOAD_YTDLP", "bin/yt-dlp", "DOWNLOAD_YTDLP_TIMEOUT", "90",
        "DOWNLOAD_YTDLP_HOSTS", "Example.COM, media.example.org",
        "SAFETY_BLOCKED_EXTENSIONS", ".EXE,bat, sh", "SAFETY_CHECK_CONTENT", "false",
        "CLEANUP_MIN_AGE_MINUTES", "15"));

    assertThat(c.download().maxBytes()).isEqualTo(20L << 20);
    assertThat(c.download().allowPrivateNetworks()).isTrue();
    assertThat(c.download().timeout()).isEqualTo(Duration.ofSeconds(12));
    assertThat(c.download().minBytesPerSecond()).isZero();
    assertThat(c.download().ytDlpPath()).isEqualTo(WORK.resolve("bin/yt-dlp"));
    assertThat(c.download().ytDlpTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.download().ytDlpHosts()).containsExactly("example.com", "media.example.org");
    assertThat(c.safety().blockedExtensions()).containsExactlyInAnyOrder("exe", "bat", "sh");
    assertThat(c.safety().checkContent()).isFalse();
    assertThat(c.cleanup().minAge()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void none_emptiesAList_andOff_turnsYtDlpOff() {
    ScoutConfig c = load(Map.of("SAFETY_BLOCKED_EXTENSIONS", "none",
        "DOWNLOAD_YTDLP_HOSTS", "NONE", "DOWNLOAD_YTDLP", "off"));

    assertThat(c.safety().blockedExtensions()).isEmpty();
    assertThat(c.download().ytDlpHosts()).isEmpty();
    assertThat(c.download().ytDlpEnabled()).isFalse();
    assertThat(c.safety()).isEqualTo(new SafetyConfig(Set.of(), true));
    assertThat(c.download().ytDlpHosts()).isEqualTo(List.of());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "DOWNLOAD_MAX_MB, 0",
    "DOWNLOAD_TIMEOUT, 0",
    "DOWNLOAD_TIMEOUT, soon",
    "DOWNLOAD_MIN_BYTES_PER_SECOND, -1",
    "DOWNLOAD_YTDLP_TIMEOUT, 0",
    "DOWNLOAD_YTDLP_HOSTS, 'http://youtube.com'",
    "DOWNLOAD_ALLOW_PRIVATE_NETWORKS, maybe",
    "SAFETY_BLOCKED_EXTENSIONS, 'exe,*.bat'",
    "SAFETY_CHECK_CONTENT, sometimes",
    "CLEANUP_MIN_AGE_MINUTES, 0"
  })
  void badValues_stopStartup_namingTheVariable(String name, String value) {
    assertThatThrownBy(() -> load(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .anyMatch(p -> p.startsWith(name + "=")));
  }
}
