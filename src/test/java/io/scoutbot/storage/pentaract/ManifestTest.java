package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The segment manifest: written as JSON, read back only when it is consistent. */
class ManifestTest {

  private static final String A = "0a1b2c3d";
  private static final String B = "ffffffff";
  private static final String C = "c".repeat(64);
  private static final String LOCATION = "scoutbot/ABC123/f.bin.segments/manifest.json";

  private final Manifest manifest = Manifest.of("ABC123/f.bin", 150, C, 100, List.of(
      new Manifest.Segment("scoutbot/ABC123/f.bin.segments/00001", 100, A),
      new Manifest.Segment("scoutbot/ABC123/f.bin.segments/00002", 50, B)));

  @Test
  void json_roundTrips() {
    assertThat(Manifest.parse(manifest.toJson(), LOCATION)).isEqualTo(manifest);
    assertThat(new String(manifest.toJson(), StandardCharsets.UTF_8))
        .contains("\"format\" : \"scoutbot-segments/1\"").contains("\"segment_size\" : 100");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "{}",
    "not json",
    "{\"format\":\"other/9\",\"size\":1,\"sha256\":\"" + "c" + "\",\"segments\":[]}",
  })
  void parse_refusesWhatIsNotOurManifest(String json) {
    assertThatThrownBy(() -> Manifest.parse(json.getBytes(StandardCharsets.UTF_8), LOCATION))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_refusesSizesThatDoNotAddUp() {
    Manifest wrong = Manifest.of("ABC123/f.bin", 151, C, 100, manifest.segments());

    assertThatThrownBy(() -> Manifest.parse(wrong.toJson(), LOCATION))
        .hasMessageContaining("add up to 150 bytes, not the recorded 151");
  }

  @Test
  void parse_refusesASegmentWithoutAValidCrc32c() {
    Manifest bad = Manifest.of("ABC123/f.bin", 100, C, 100,
        List.of(new Manifest.Segment("scoutbot/ABC123/f.bin.segments/00001", 100, "a".repeat(64))));

    assertThatThrownBy(() -> Manifest.parse(bad.toJson(), LOCATION))
        .hasMessageContaining("invalid segment entry");
  }

  @Test
  void parse_refusesSegmentsOutsideTheManifestsFolder() {
    Manifest foreign = Manifest.of("ABC123/f.bin", 100, C, 100,
        List.of(new Manifest.Segment("scoutbot/OTHER1/x", 100, A)));

    assertThatThrownBy(() -> Manifest.parse(foreign.toJson(), LOCATION))
        .hasMessageContaining("invalid segment entry");
  }
}
