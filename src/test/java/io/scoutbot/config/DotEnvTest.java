package io.scoutbot.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DotEnvTest {

  @Test
  void parse_quotesAreRemovedAndNothingInsideIsExpanded() {
    var m =
        DotEnv.parse(
            List.of("A=\"x # y\"", "B='1:x'", "C=plain value # note", "D=", "  E = spaced  ",
                "F=$HOME"),
            "t");

    assertThat(m)
        .containsEntry("A", "x # y")
        .containsEntry("B", "1:x")
        .containsEntry("C", "plain value")
        .containsEntry("D", "")
        .containsEntry("E", "spaced")
        .containsEntry("F", "$HOME");
  }
}
