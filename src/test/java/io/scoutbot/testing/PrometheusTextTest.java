package io.scoutbot.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The strict parser the metrics tests rely on: it must take valid text and refuse broken text. */
@Timeout(10)
class PrometheusTextTest {

  @Test
  void parse_takesEveryKindOfFamily() {
    PrometheusText t = PrometheusText.parse("""
        # HELP a_total Things, with a \\\\ and a \\n.
        # TYPE a_total counter
        a_total{kind="x\\"y",path="c:\\\\"} 3.0
        # TYPE b gauge
        b NaN
        b{x="1"} -Inf 1700000000000
        # TYPE c_seconds histogram
        c_seconds_bucket{le="0.5"} 1
        c_seconds_bucket{le="+Inf"} 2
        c_seconds_count 2
        c_seconds_sum 1.5e0
        # TYPE d summary
        d{quantile="0.5"} 1
        d_sum 3
        d_count 2

        """);

    assertThat(t.families()).containsKeys("a_total", "b", "c_seconds", "d");
    assertThat(t.families().get("a_total").help()).isEqualTo("Things, with a \\ and a \n.");
    assertThat(t.valueOf("a_total", "kind", "x\"y", "path", "c:\\")).isEqualTo(3.0);
    assertThat(t.valueOf("b")).isNaN();
    assertThat(t.valueOf("c_seconds_count")).isEqualTo(2.0);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("brokenTexts")
  void parse_refusesBrokenText(String text, String problem) {
    assertThatThrownBy(() -> PrometheusText.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }

  static Stream<Arguments> brokenTexts() {
    return Stream.of(
        Arguments.of("# TYPE a gauge\na 1", "must end with a line feed"),
        Arguments.of("a 1\n", "before any TYPE of its family"),
        Arguments.of("# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n", "duplicate series"),
        Arguments.of("# TYPE a gauge\n# TYPE b gauge\nb 1\na 1\n", "appears in two places"),
        Arguments.of("# TYPE a gauge\na{x=1} 1\n", "label value must be quoted"),
        Arguments.of("# TYPE a gauge\na{x=\"1} 1\n", "unterminated"),
        Arguments.of("# TYPE a gauge\na 1,5\n", "bad value"),
        Arguments.of("# TYPE a gauge\na 1 now\n", "bad timestamp"),
        Arguments.of("# TYPE 1a gauge\n", "bad metric name"),
        Arguments.of("# TYPE a gauges\n", "unknown type"),
        Arguments.of("# TYPE a gauge\na{__x=\"1\"} 1\n", "bad label name"),
        Arguments.of("# TYPE a gauge\na{x=\"\\q\"} 1\n", "bad escape"),
        Arguments.of("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
            + "h_count 1\n", "not cumulative"),
        Arguments.of("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n", "no +Inf bucket"),
        Arguments.of("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\n", "differs from _count"),
        Arguments.of("# TYPE c counter\nc_sum 1\n", "before any TYPE of its family"),
        Arguments.of("# TYPE a gauge\n# TYPE a gauge\n", "a second TYPE"));
  }
}
