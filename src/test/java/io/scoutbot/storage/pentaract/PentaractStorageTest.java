package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.scoutbot.config.PentaractConfig;
import io.scoutbot.config.Secret;
import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Finding, creating and remembering the storage that PENTARACT_STORAGE names. */
class PentaractStorageTest {

  @TempDir Path dir;
  @RegisterExtension final PentaractFixture f = PentaractFixture.unsegmented();

  @Test
  void storageGivenById_isUsedWithoutListing() throws IOException {
    f.storage = f.storageId;

    upload("BYID01/a.bin", 100);

    assertThat(f.fake.files(f.storageId)).containsExactly("scoutbot/BYID01/a.bin");
    assertThat(f.fake.count("GET storages")).isZero();
  }

  @Test
  void unknownStorageId_blocks_mentioningAccess() {
    f.storage = "0b7e2a3c-1111-4222-8333-944455556666";

    assertThatThrownBy(() -> upload("BYID02/a.bin", 100))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("does not exist, or " + PentaractFixture.EMAIL + " has no access")
        .extracting(e -> ((PentaractFailure) e).disposition())
        .isEqualTo(Disposition.BLOCKED);
  }

  @Test
  void missingStorage_withChatId_isCreated_andItsMissingWorkerIsExplained() {
    f.storage = "New-Storage";
    f.chatId = OptionalLong.of(-1987654321L);

    assertThatThrownBy(() -> upload("NEW001/a.bin", 100))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("no storage workers")
        .hasMessageContaining("add a storage worker");
    assertThat(f.fake.storageId("New-Storage")).isPresent();
  }

  @Test
  void missingStorage_withoutChatId_explainsHowToCreateIt() {
    f.storage = "Nowhere";

    assertThatThrownBy(() -> upload("NEW002/a.bin", 100))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("no storage named 'Nowhere'")
        .hasMessageContaining("PENTARACT_CHAT_ID")
        .hasMessageContaining("-1234567890");
    assertThat(f.fake.storageId("Nowhere")).isEmpty();
  }

  @Test
  void chatIdStillCarryingTheMinus100Prefix_isRefused_withTheRule() {
    f.storage = "Prefixed";
    f.chatId = OptionalLong.of(-1001987654321L);

    assertThatThrownBy(() -> upload("NEW003/a.bin", 100))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("-100 channel prefix")
        .hasMessageContaining("enter -1987654321");
    assertThat(f.fake.storageId("Prefixed")).isEmpty();
  }

  @Test
  void storageThatDroppedOutOfTheList_isFoundByItsRememberedId() throws IOException {
    f.memory = Optional.of(dir.resolve("data/pentaract-storage.properties"));
    PentaractTarget first = f.newTarget();
    StoredObject stored = first.upload(request("GONE01/a.bin", 100));
    first.delete(stored.location()); // only folder rows remain: Pentaract stops listing it

    PentaractTarget restarted = f.newTarget();
    StoredObject again = restarted.upload(request("GONE02/b.bin", 100));

    assertThat(again.location()).isEqualTo("scoutbot/GONE02/b.bin");
    assertThat(f.fake.files(f.storageId)).containsExactly("scoutbot/GONE02/b.bin");
  }

  @Test
  void storageThatDroppedOutOfTheList_withoutMemory_explainsHowToUseItsId() throws IOException {
    StoredObject stored = f.target().upload(request("GONE03/a.bin", 100));
    f.target().delete(stored.location());
    f.chatId = OptionalLong.of(-1555555555L);

    assertThatThrownBy(() -> f.newTarget().upload(request("GONE04/b.bin", 100)))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("does not list it")
        .hasMessageContaining("set PENTARACT_STORAGE to its id");
  }

  @Test
  void apiUrlWithUserInfo_neverReachesMessagesNorTheRememberedFile() throws IOException {
    f.api = URI.create("http://scout:hunter2@127.0.0.1:" + f.fake.port() + "/api");
    f.memory = Optional.of(dir.resolve("data/pentaract-storage.properties"));
    PentaractTarget target = f.newTarget();

    String up = target.check().detail();
    target.upload(request("USER01/a.bin", 100));
    String remembered = Files.readString(f.memory.get());
    f.fake.stop();
    Throwable down = catchThrowable(() -> target.upload(request("USER02/b.bin", 100)));
    String breaker = target.check().detail();

    assertThat(up).contains("reachable at http://127.0.0.1:" + f.fake.port() + "/api");
    assertThat(remembered).contains("api=http\\://127.0.0.1\\:" + f.fake.port() + "/api");
    assertThat(down).hasMessageContaining("Pentaract at http://127.0.0.1:" + f.fake.port());
    assertThat(breaker).contains("Pentaract at http://127.0.0.1:" + f.fake.port());
    assertThat(List.of(up, remembered, down.getMessage(), breaker))
        .noneMatch(text -> text.contains("hunter2") || text.contains("scout:"));
  }

  @Test
  void settings_dropTheUserInfoOfTheApiUrl_andKeepTheRestAsWritten() {
    PentaractTarget.Settings s = new PentaractTarget.Settings(
        URI.create("https://us%40er:p%3Ass@pentaract.example:8443/base%20path/api?x=1"),
        PentaractFixture.EMAIL, Secret.of("pw"), "S", OptionalLong.empty(), 0, 1,
        Duration.ofSeconds(5), 1, 65536, 0, Optional.empty());

    assertThat(s.api()).hasToString("https://pentaract.example:8443/base%20path/api?x=1");
  }

  @Test
  void storageWithoutWorkers_blocks_withTheFix() {
    f.fake.setWorkers(f.storageId, false);

    assertThatThrownBy(() -> upload("NOWK01/a.bin", 100))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("add a storage worker (a Telegram bot token) for this storage")
        .extracting(e -> ((PentaractFailure) e).disposition())
        .isEqualTo(Disposition.BLOCKED);
    assertThat(f.fake.count("POST upload_to")).isEqualTo(1);
  }

  @Test
  void health_ofAStorageWithoutWorkers_isDown_sayingWhatToAdd() {
    f.fake.setWorkers(f.storageId, false);

    var h = f.target().check();

    assertThat(h.up()).isFalse();
    assertThat(h.detail()).contains("has no storage workers")
        .contains("add a storage worker (a Telegram bot token)");
    f.fake.setWorkers(f.storageId, true);
    f.clock.advance(PentaractSession.DOWN_FOR);
    assertThat(f.target().check().up()).isTrue();
  }

  @ParameterizedTest(name = "chat id {0} looks prefixed: {1}")
  @CsvSource({
    "-1001234567890, true",
    "-1234567890, false",
    "-1009876543, false",
    "-100123456789, false",
    "1001234567890, false",
  })
  void hasChannelPrefix_detectsTheMinus100Prefix(long chatId, boolean prefixed) {
    assertThat(PentaractConfig.hasChannelPrefix(chatId)).isEqualTo(prefixed);
  }

  private StoredObject upload(String key, int size) throws IOException {
    return f.target().upload(request(key, size));
  }

  private UploadRequest request(String key, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(key.hashCode()).nextBytes(data);
    Path src = Files.write(dir.resolve(key.replace('/', '_')), data);
    return new UploadRequest(src, key, size, "application/octet-stream", Progress.NONE);
  }
}
