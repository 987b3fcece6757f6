package io.scoutbot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HtmlTest {

  @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
  @CsvSource(delimiter = '|', value = {
      "plain|plain",
      "a < b|a &lt; b",
      "a > b|a &gt; b",
      "Tom & Jerry|Tom &amp; Jerry",
      "\"quoted\"|&quot;quoted&quot;",
      "<b>&amp;</b>|&lt;b&gt;&amp;amp;&lt;/b&gt;",
      "📄 file.pdf|📄 file.pdf"})
  void escape_replacesWhatHtmlParseModeReserves(String plain, String escaped) {
    assertThat(Html.escape(plain)).isEqualTo(escaped);
    assertThat(Html.text(plain).visibleText()).isEqualTo(plain);
  }

  @Test
  void format_escapesArguments_butNotTheTemplate_norNestedHtml() {
    Html h = Html.format("<b>%s</b> %s %d", "<i>x</i>", Html.format("<code>%s</code>", "A&B"), 3);

    assertThat(h.markup()).isEqualTo("<b>&lt;i&gt;x&lt;/i&gt;</b> <code>A&amp;B</code> 3");
    assertThat(h.visibleText()).isEqualTo("<i>x</i> A&B 3");
  }

  @ParameterizedTest(name = "{0} shows {1} characters")
  @CsvSource(delimiter = '|', value = {
      "<b>bold</b>|4",
      "a &lt; b|5",
      "&#128512;|2",
      "&#x41;&amp;|2",
      "a & b|5",
      "😀|2"})
  void visibleLength_countsWhatTheReaderSees_inUtf16Units(String markup, int length) {
    assertThat(Html.format(markup.replace("%", "%%")).visibleLength()).isEqualTo(length);
  }

  @Test
  void fit_keepsShortText_andCutsLongTextToPlainWithAnEllipsis() {
    Html shortOne = Html.format("<b>%s</b>", "ok");
    Html longOne = Html.format("<b>%s</b>", "y".repeat(20));

    assertThat(shortOne.fit(10)).isSameAs(shortOne);
    assertThat(longOne.fit(10).markup()).isEqualTo("yyyyyyyyy…");
  }

  @Test
  void fit_neverSplitsAnEmoji() {
    Html h = Html.text("abcd😀😀😀");

    Html cut = h.fit(6);

    assertThat(cut.visibleText()).isEqualTo("abcd…");
    assertThat(cut.visibleLength()).isLessThanOrEqualTo(6);
  }

  @Test
  void fit_escapesWhatItCuts() {
    assertThat(Html.text("<<<<<<<<<<").fit(4).markup()).isEqualTo("&lt;&lt;&lt;…");
  }

  @Test
  void keyboardsAndCommands_refuseWhatTelegramRefuses() {
    assertThatThrownBy(() -> new Keyboard.Button("x", "d".repeat(65)))
        .hasMessageContaining("64 bytes");
    assertThatThrownBy(() -> new Keyboard.Button("x", "é".repeat(33)))
        .hasMessageContaining("64 bytes");
    assertThatThrownBy(() -> new Keyboard.Button(" ", "d")).hasMessageContaining("label");
    assertThatThrownBy(() -> new BotCommand("Storage", "x")).hasMessageContaining("a-z");
    assertThatThrownBy(() -> new BotCommand("storage", "")).hasMessageContaining("1 to 256");
    assertThat(new Keyboard.Button("ok", "é".repeat(32)).data()).hasSize(32);
  }
}
