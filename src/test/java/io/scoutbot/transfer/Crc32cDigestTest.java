package io.scoutbot.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Crc32cDigestTest {

  @Test
  void digest_isTheStandardCrc32cOfTheBytes_bigEndian() {
    Crc32cDigest d = new Crc32cDigest();
    // RFC 3720 check value: CRC32C("123456789") = 0xE3069283
    d.update("123456789".getBytes(StandardCharsets.US_ASCII));

    assertThat(HexFormat.of().formatHex(d.digest())).isEqualTo("e3069283");
  }

  @Test
  void digest_startsOverAfterwards_andChunksGiveTheSameResultAsOneUpdate() {
    Crc32cDigest whole = new Crc32cDigest();
    Crc32cDigest parts = new Crc32cDigest();
    byte[] data = new byte[10_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    whole.update(data);
    parts.update(data, 0, 3333);
    parts.update(data, 3333, data.length - 3333);
    String first = HexFormat.of().formatHex(whole.digest());

    assertThat(HexFormat.of().formatHex(parts.digest())).isEqualTo(first);
    whole.update(data);
    assertThat(HexFormat.of().formatHex(whole.digest())).isEqualTo(first);
  }
}
