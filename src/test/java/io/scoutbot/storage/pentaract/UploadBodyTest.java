package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.testing.MultipartReader;
import io.scoutbot.transfer.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The multipart body Pentaract's upload_to reads: exact length, parseable, repeatable. */
class UploadBodyTest {

  private final byte[] data = random(300_000);

  @Test
  void body_hasThePathFieldThenTheFile_andExactlyItsContentLength() throws IOException {
    UploadBody body = new UploadBody("scoutbot/ABC123/Отчёт (1).pdf",
        new BytesContent(data, data.length, "x", Progress.NONE), "b0undary");

    byte[] written = write(body);

    assertThat(written).hasSize(Math.toIntExact(body.getContentLength()));
    assertThat(body.getContentType()).isEqualTo("multipart/form-data; boundary=b0undary");
    MultipartReader reader = new MultipartReader(new ByteArrayInputStream(written), "b0undary");
    MultipartReader.Part path = reader.next();
    assertThat(path.name()).isEqualTo("path");
    assertThat(new String(path.body().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("scoutbot/ABC123/Отчёт (1).pdf");
    MultipartReader.Part file = reader.next();
    assertThat(file.name()).isEqualTo("file");
    assertThat(file.filename()).isEqualTo("_____ _1_.pdf".replace(' ', '_'));
    assertThat(file.body().readAllBytes()).isEqualTo(data);
    assertThat(reader.next()).isNull();
  }

  @Test
  void everyWrite_sendsTheSameBytes_andProgressCountsThemOnce() throws IOException {
    AtomicLong seen = new AtomicLong();
    UploadBody body = new UploadBody("p/a.bin",
        new BytesContent(data, data.length, "x", seen::addAndGet), "b");

    byte[] first = write(body);
    byte[] second = write(body);

    assertThat(body.isRepeatable()).isTrue();
    assertThat(second).isEqualTo(first);
    assertThat(seen.get()).isEqualTo(data.length);
  }

  private static byte[] write(UploadBody body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    body.writeTo(out);
    return out.toByteArray();
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(7).nextBytes(b);
    // a delimiter-like run inside the data must not end the part early
    byte[] fake = "\r\n--b0undar".getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(fake, 0, b, 1000, fake.length);
    return b;
  }
}
