package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The remote layout of plain, segmented and empty objects, and how paths go into URLs. */
class RemotePathsTest {

  @Test
  void layout_ofAKey() {
    assertThat(RemotePaths.object("ABC123/big.iso")).isEqualTo("scoutbot/ABC123/big.iso");
    assertThat(RemotePaths.segment("ABC123/big.iso", 7))
        .isEqualTo("scoutbot/ABC123/big.iso.segments/00007");
    assertThat(RemotePaths.manifest("ABC123/big.iso"))
        .isEqualTo("scoutbot/ABC123/big.iso.segments/manifest.json");
    assertThat(RemotePaths.empty("ABC123/e.txt")).isEqualTo("empty:scoutbot/ABC123/e.txt");
  }

  @ParameterizedTest(name = "{0} is a manifest: {1}")
  @CsvSource({
    "scoutbot/ABC123/big.iso.segments/manifest.json, true",
    "scoutbot/ABC123/manifest.json, false",
    "scoutbot/ABC123/big.iso, false",
    "scoutbot/ABC123/big.iso.segments/00001, false",
    "manifest.json, false",
  })
  void isManifest_onlyForTheManifestInsideASegmentFolder(String location, boolean manifest) {
    assertThat(RemotePaths.isManifest(location)).isEqualTo(manifest);
  }

  @Test
  void keysOfTheManifestShape_areRefused_soLocationsStayUnambiguous() {
    assertThatThrownBy(() -> RemotePaths.object("A/b.segments/manifest.json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "scoutbot/ABC123/a.bin | scoutbot/ABC123/a.bin",
    "scoutbot/ABC123/my file (1).pdf | scoutbot/ABC123/my%20file%20%281%29.pdf",
    "scoutbot/ABC123/100%#?&+=.txt | scoutbot/ABC123/100%25%23%3F%26%2B%3D.txt",
    "scoutbot/ABC123/Отчёт.pdf | scoutbot/ABC123/%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf",
    "scoutbot/ABC123/a~b_c-d.e | scoutbot/ABC123/a~b_c-d.e",
  })
  void encode_percentEncodesEachSegment_keepingSlashes(String path, String encoded) {
    assertThat(RemotePaths.encode(path)).isEqualTo(encoded);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "scoutbot/ABC123/a.bin | scoutbot/ABC123",
    "scoutbot/ABC123/a.bin.segments/00001 | scoutbot/ABC123",
    "scoutbot/AB_12%/a.bin | ",
    "other/ABC123/a.bin | ",
    "scoutbot/ABC123 | ",
  })
  void codeFolder_onlyWhenItsNameCannotActAsALikeWildcard(String path, String folder) {
    assertThat(RemotePaths.codeFolder(path)).isEqualTo(Optional.ofNullable(folder));
  }
}
