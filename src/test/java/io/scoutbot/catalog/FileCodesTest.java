package io.scoutbot.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileCodesTest {

  @Test
  void random_drawsSixCharactersFromUpperCaseLettersAndDigits_withoutRepeatsInPractice() {
    Supplier<String> codes = FileCodes.random();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String c = codes.get();
      assertThat(c).matches("[A-Z0-9]{6}");
      seen.add(c);
    }
    assertThat(seen).hasSizeGreaterThan(9_990);
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(
      nullValues = "null",
      value = {"abc123,ABC123", "' ABC123 ',ABC123", "ABC12,null", "ABC1234,null", "ABC-12,null",
        "abcdéf,null", "'',null"})
  void normalise_acceptsOnlyWhatCanBeACode(String input, String expected) {
    assertThat(FileCodes.normalise(input)).isEqualTo(expected);
  }
}
