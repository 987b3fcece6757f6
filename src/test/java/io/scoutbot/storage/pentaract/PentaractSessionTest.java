package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Logging in, keeping the token fresh, and the one re-login after a 401. */
class PentaractSessionTest {

  @TempDir Path dir;
  @RegisterExtension final PentaractFixture f = PentaractFixture.unsegmented();

  @Test
  void calls_logInOnce_thenReuseTheBearerToken() throws IOException {
    upload("AAA001/a.bin", 10_000);
    upload("AAA002/b.bin", 10_000);

    assertThat(f.fake.count("POST login")).isEqualTo(1);
    assertThat(f.fake.requests()).noneMatch(r -> r.endsWith("-> 401"));
  }

  @Test
  void tokenAboutToExpire_isRenewedBeforeTheNextCall() throws IOException {
    upload("EXP001/a.bin", 1000);
    f.clock.advance(Duration.ofMinutes(29).plusSeconds(30)); // tokens live 30 min

    upload("EXP002/b.bin", 1000);

    assertThat(f.fake.count("POST login")).isEqualTo(2);
    assertThat(f.fake.requests()).noneMatch(r -> r.endsWith("-> 401"));
  }

  @Test
  void tokenRefusedMidRun_logsInAgainOnce_andRepeatsTheCall() throws IOException {
    upload("REV001/a.bin", 1000);
    f.fake.revokeTokens(); // e.g. Pentaract restarted with a new SECRET_KEY

    StoredObject stored = upload("REV002/b.bin", 50_000);

    assertThat(stored.size()).isEqualTo(50_000);
    assertThat(f.fake.count("POST login")).isEqualTo(2);
    assertThat(f.fake.requests()).filteredOn(r -> r.endsWith("-> 401")).hasSize(1);
  }

  @Test
  void tokenRefusedEvenAfterLoggingInAgain_blocks_withoutLooping() throws IOException {
    upload("LOOP01/a.bin", 1000);
    f.fake.refuseTokens(true);

    assertThatThrownBy(() -> upload("LOOP02/b.bin", 1000))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("refused a token it had just issued")
        .extracting(e -> ((PentaractFailure) e).disposition())
        .isEqualTo(Disposition.BLOCKED);
    assertThat(f.fake.count("POST login")).isEqualTo(2);
    assertThat(f.fake.count("POST upload_to")).isEqualTo(3); // a.bin, then b.bin twice
  }

  @Test
  void wrongPassword_blocks_namingTheSettings() {
    f.password = "wrong";

    assertThatThrownBy(() -> upload("PASS01/a.bin", 100))
        .isInstanceOf(PentaractFailure.class)
        .extracting(e -> ((PentaractFailure) e).disposition())
        .isEqualTo(Disposition.BLOCKED);
    assertThat(f.target().check())
        .satisfies(h -> assertThat(h.up()).isFalse())
        .satisfies(h -> assertThat(h.detail())
            .contains("rejected the login for " + PentaractFixture.EMAIL)
            .contains("PENTARACT_EMAIL and PENTARACT_PASSWORD"));
  }

  @Test
  void apiUrlWithoutApiSuffix_isExplained() {
    f.api = URI.create("http://127.0.0.1:" + f.fake.port());

    assertThat(f.target().check().detail())
        .contains("no Pentaract API at http://127.0.0.1:" + f.fake.port())
        .contains("including /api");
  }

  @Test
  void check_reportsReachableAndLoggedIn() {
    assertThat(f.target().check())
        .satisfies(h -> assertThat(h.up()).isTrue())
        .satisfies(h -> assertThat(h.detail()).contains("logged in as " + PentaractFixture.EMAIL)
            .contains(PentaractFixture.STORAGE).contains(f.storageId));
  }

  @Test
  void check_reusesItsAnswerForAWhile_soAPollingStatusPageDoesNotLogInEachTime() {
    f.target().check();
    int logins = f.fake.count("POST login");

    f.clock.advance(PentaractSession.HEALTHY_FOR.minusSeconds(1));
    assertThat(f.target().check().up()).isTrue();
    assertThat(f.fake.count("POST login")).isEqualTo(logins);

    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.target().check().up()).isTrue();
    assertThat(f.fake.count("POST login")).isEqualTo(logins + 1);
  }

  private StoredObject upload(String key, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(key.hashCode()).nextBytes(data);
    Path src = Files.write(dir.resolve(key.replace('/', '_')), data);
    return f.target().upload(new UploadRequest(src, key, size, "application/octet-stream",
        Progress.NONE));
  }
}
