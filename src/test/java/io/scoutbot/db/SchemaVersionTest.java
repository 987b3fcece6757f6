package io.scoutbot.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Flyway's version order, and which file names count as the newest migration. */
@Timeout(10)
class SchemaVersionTest {

  private static final Path SOURCES = Path.of("src/main/resources/db/migration");

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
    "1, 1, 0",
    "1, 1.0, 0",
    "2, 10, -1",
    "1.1, 1, 1",
    "2_1, 2.1, 0",
    "3, 2.9, 1",
  })
  void compareTo_followsFlywaysOrder_partByPart(String a, String b, int sign) {
    assertThat(Integer.signum(SchemaVersion.parse(a).compareTo(SchemaVersion.parse(b))))
        .isEqualTo(sign);
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(delimiter = ';', value = {
    "V1__catalog.sql,V3__jobs.sql,V2__queue.sql; 3",
    "V1__a.sql,README.md,V1_5__b.sql; 1.5",
    "V2__b.sql,V10__j.sql; 10",
    "V1__a.sql,R__views.sql; none",
    "README.md; none",
  })
  void newestOf_isTheHighestVersionedFile_andNoneWhenARepeatableMigrationExists(
      String names, String expected) {
    Optional<SchemaVersion> newest = SchemaVersion.newestOf(Arrays.asList(names.split(",")));

    assertThat(newest.map(SchemaVersion::toString).orElse("none")).isEqualTo(expected);
  }

  @Test
  void index_listsExactlyTheMigrationsOfTheBuild_soAddingOneWithoutItFails()
      throws IOException, URISyntaxException {
    URL built = getClass().getClassLoader().getResource(SchemaVersion.LOCATION);
    assertThat(built).as("the build's %s directory", SchemaVersion.LOCATION).isNotNull();
    List<String> inBuild = namesIn(Path.of(built.toURI()));
    List<String> inSources = namesIn(SOURCES);

    assertThat(SchemaVersion.indexed())
        .as("%s must list every file in %s (add the new migration's name there)",
            SchemaVersion.INDEX, SchemaVersion.LOCATION)
        .hasValueSatisfying(names -> assertThat(names)
            .doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(inBuild)
            .containsExactlyInAnyOrderElementsOf(inSources));
  }

  @Test
  void bundled_isTheNewestMigrationInTheSourceTree() throws IOException {
    assertThat(SchemaVersion.bundled()).isPresent()
        .isEqualTo(SchemaVersion.newestOf(namesIn(SOURCES)));
  }

  private static List<String> namesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).toList();
    }
  }
}
