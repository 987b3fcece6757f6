package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.db.Database;
import io.scoutbot.files.FileDesk;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file desk front ends use, storing in Pentaract: catalog entries, empty files, outages. */
class PentaractFileDeskTest {

  @TempDir Path dir;
  private PentaractFixture f;
  private Database db;
  private FileDesk desk;

  @BeforeEach
  void start() throws IOException {
    f = PentaractFixture.start(dir.resolve("pentaract"), 128 << 10);
    db = Database.open("jdbc:sqlite:" + dir.resolve("catalog.db"));
    desk = new FileDesk(new JdbcFileCatalog(db, FileCodes.random(), f.clock), f.target(),
        Gate.open(), WorkLimit.fixed(2), GcPolicy.none());
  }

  @AfterEach
  void stop() {
    db.close();
    f.close();
  }

  @Test
  void segmentedFile_isCatalogedWithItsManifest_andComesBackIdentical() throws Exception {
    Path src = random("movie.mkv", 500_000);

    StoredFile stored = desk.upload(7, src, null, Progress.NONE);
    Path back = desk.download(7, stored.code(), dir.resolve("back.mkv"), Progress.NONE);

    assertThat(stored.status()).isEqualTo(FileStatus.COMPLETED);
    assertThat(stored.backend()).isEqualTo("pentaract");
    assertThat(stored.segments()).isEqualTo(4);
    assertThat(stored.remotePath())
        .isEqualTo("scoutbot/" + stored.code() + "/movie.mkv.segments/manifest.json");
    assertThat(Files.mismatch(src, back)).isEqualTo(-1);
  }

  @Test
  void delete_removesEveryRemoteRowOfTheFile() throws Exception {
    StoredFile stored = desk.upload(7, random("gone.bin", 300_000), null, Progress.NONE);

    desk.delete(7, stored.code());

    assertThat(f.fake.files(f.storageId)).isEmpty();
    assertThat(f.fake.rows(f.storageId)).noneMatch(r -> r.contains(stored.code()));
  }

  @Test
  void emptyFile_isStoredWithoutARemoteObject_andStillDownloadsAndDeletes() throws Exception {
    Path src = Files.write(dir.resolve("empty.txt"), new byte[0]);

    StoredFile stored = desk.upload(7, src, null, Progress.NONE);
    Path back = desk.download(7, stored.code(), dir.resolve("empty-back.txt"), Progress.NONE);
    desk.delete(7, stored.code());

    assertThat(stored.size()).isZero();
    assertThat(stored.segments()).isZero();
    assertThat(stored.remotePath()).startsWith("empty:");
    assertThat(back).isEmptyFile();
    assertThat(f.fake.rows(f.storageId)).isEmpty();
    assertThat(f.fake.count("POST upload_to")).isZero();
  }

  @Test
  void pentaractDown_failsTheUploadAsUnavailable_andNothingIsMarkedStored() throws Exception {
    f.fake.stop();
    Path src = random("later.bin", 1000);

    assertThatThrownBy(() -> desk.upload(7, src, null, Progress.NONE))
        .isInstanceOf(ScoutFailure.class)
        .extracting(e -> ((ScoutFailure) e).disposition().kind())
        .isEqualTo(Disposition.Kind.UNAVAILABLE);
    assertThat(desk.list(7)).isEmpty();
  }

  private Path random(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }
}
