package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.config.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client reports every request it sends, and how it ended, to its observer. */
@Timeout(60)
class PentaractRequestsTest {

  @TempDir Path dir;
  private PentaractFixture f;
  private PentaractClient client;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    f = PentaractFixture.start(dir, 0);
    client = new PentaractClient(new PentaractClient.Settings(f.api, PentaractFixture.EMAIL,
        Secret.of(PentaractFixture.PASSWORD), Duration.ofSeconds(5), Duration.ofSeconds(5),
        Duration.ofSeconds(5), 2), new Failures(f.api.toString(), PentaractFixture.EMAIL),
        f.clock);
    client.observe(call -> {
      seen.add("begin " + call);
      return status -> seen.add("end " + call + " " + status);
    });
  }

  @AfterEach
  void stop() {
    client.close();
    f.close();
  }

  @Test
  void everyRequest_isReportedWithItsCallAndStatus_theRepeatAfterA401Included() {
    client.storages();
    f.fake.revokeTokens();
    assertThat(client.uploadTo(f.storageId, "AAA001/a.bin", body("AAA001/a.bin", 1000))).isTrue();
    assertThat(client.uploadTo(f.storageId, "AAA001/a.bin", body("AAA001/a.bin", 1000)))
        .as("already there").isFalse();

    assertThat(seen).containsExactly(
        "begin login", "end login 200",
        "begin list_storages", "end list_storages 200",
        "begin upload", "end upload 401",
        "begin login", "end login 200",
        "begin upload", "end upload 201",
        "begin upload", "end upload 409");
  }

  @Test
  void aRequestThatGetsNoAnswer_endsWithStatusZero() {
    client.storages();
    f.fake.stop();

    assertThatThrownBy(() -> client.storages()).isInstanceOf(PentaractFailure.class);
    assertThat(seen).endsWith("begin list_storages", "end list_storages 0");
  }

  @Test
  void aFailingObserver_neverFailsTheRequest() {
    client.observe(call -> {
      throw new IllegalStateException("broken metrics");
    });
    assertThat(client.storages()).isNotEmpty();

    client.observe(call -> status -> {
      throw new IllegalStateException("broken metrics");
    });
    assertThat(client.storages()).isNotEmpty();
  }

  private static UploadBody body(String path, int size) {
    return new UploadBody(path, new UploadBody.Content() {
      @Override
      public long length() {
        return size;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        out.write(new byte[size]);
      }
    });
  }
}
