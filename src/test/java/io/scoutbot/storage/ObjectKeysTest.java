package io.scoutbot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {

  @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "report.pdf => report.pdf",
        "../../etc/passwd => passwd",
        ".. => file",
        ". => file",
        "/abs/path/x.txt => x.txt",
        "C:\\Users\\me\\doc.txt => doc.txt",
        "a:b*c?d\"e<f>g|h.txt => a_b_c_d_e_f_g_h.txt",
        "'  spaced name.mp4  ' => spaced name.mp4",
        "trailing dots... => trailing dots",
        "'tab\there\nnewline.txt' => tabherenewline.txt",
        "evil\u202Etxt.exe => eviltxt.exe",
        "Отчёт за май.pdf => Отчёт за май.pdf",
        "'' => file",
        ".bashrc => .bashrc"
      })
  void sanitise_makesASafeSingleSegmentName(String input, String expected) {
    assertThat(ObjectKeys.sanitise(input)).isEqualTo(expected);
  }

  @Test
  void sanitise_boundsTheLength_inUtf8Bytes_andKeepsTheExtension() {
    String longName = "я".repeat(300) + ".tar.gz";

    String s = ObjectKeys.sanitise(longName);

    assertThat(s.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ObjectKeys.MAX_NAME_BYTES);
    assertThat(s).endsWith(".gz").startsWith("яяя");
  }

  @Test
  void of_joinsCodeAndSanitisedName() {
    assertThat(ObjectKeys.of("ABC123", "../x/y.bin")).isEqualTo("ABC123/y.bin");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/abs", "a//b", "a/../b", "./a", "a/", "a\\b", "a/\u0000b"})
  void requireValid_rejectsKeysThatCouldEscapeOrBreakABackend(String key) {
    assertThatThrownBy(() -> ObjectKeys.requireValid(key))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
