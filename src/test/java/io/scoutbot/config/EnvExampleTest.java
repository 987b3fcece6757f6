package io.scoutbot.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .env.example} lists exactly the settings {@link ConfigLoader} reads, each with its default
 * and a line of meaning. The known settings come from the loader itself (it reads every setting on
 * every load), so a setting added later fails this test until the example has it.
 */
@Timeout(30)
class EnvExampleTest {

  /** {@code KEY=value} or {@code # KEY=value}: a setting line, commented out or not. */
  private static final Pattern SETTING = Pattern.compile("^#? ?([A-Z][A-Z0-9_]*)=(.*)$");
  /** Defaults derived from another setting or from the host: the example shows the usual value. */
  private static final Set<String> DERIVED = Set.of("TMPFILE_PATH", "DATABASE_URL", "NODE_ID");

  @TempDir Path work;

  private static Map<String, String> example() throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(".env.example"))) {
      Matcher m = SETTING.matcher(line);
      if (m.matches()) {
        assertThat(settings).as("listed twice").doesNotContainKey(m.group(1));
        settings.put(m.group(1), m.group(2));
      }
    }
    return settings;
  }

  private Map<String, String> loaderDefaults() {
    return ConfigLoader.fromMap(Map.of(), work).effective();
  }

  @Test
  void listsExactlyTheSettingsTheLoaderKnows() throws IOException {
    assertThat(example().keySet()).containsExactlyInAnyOrderElementsOf(loaderDefaults().keySet());
  }

  @Test
  void everyDefaultShownIsTheLoadersDefault() throws IOException {
    Map<String, String> defaults = loaderDefaults();
    example().forEach((key, value) -> {
      if (!DERIVED.contains(key)) {
        assertThat(value).as(key).isEqualTo(defaults.get(key));
      }
    });
  }

  @Test
  void everySettingHasALineOfMeaningAboveIt() throws IOException {
    List<String> lines = Files.readAllLines(Path.of(".env.example"));
    for (int i = 0; i < lines.size(); i++) {
      if (SETTING.matcher(lines.get(i)).matches()) {
        String above = i > 0 ? lines.get(i - 1) : "";
        assertThat(above).as("the line above " + lines.get(i))
            .startsWith("# ").doesNotMatch(SETTING.pattern()).hasSizeGreaterThan(10);
      }
    }
  }

  @Test
  void theExampleAsWritten_uncommented_startsUp() throws IOException {
    Map<String, String> values = new LinkedHashMap<>(example());
    values.values().removeIf(String::isEmpty);

    assertThat(ConfigLoader.fromMap(values, work).dataDir()).isEqualTo(work.resolve("data"));
  }
}
