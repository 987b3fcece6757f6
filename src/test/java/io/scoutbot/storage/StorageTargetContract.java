package io.scoutbot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.retry.Disposition;
import io.scoutbot.transfer.Progress;
import io.scoutbot.transfer.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link StorageTarget} passes: round trips are byte-identical, uploads of one key
 * are idempotent, deletes are forgiving, and failures carry the right disposition. Extend it once per
 * backend and provide the target.
 */
public abstract class StorageTargetContract {

  @TempDir protected Path dir;

  /** The backend under test, fresh for each test. */
  protected abstract StorageTarget target();

  @Test
  void upload_thenDownload_givesIdenticalBytesAndDigest() throws IOException {
    Path src = file("a.bin", 300_000);
    StoredObject stored = target().upload(request(src, "ABC123/a.bin"));

    Path back = dir.resolve("back.bin");
    Received got = target().download(stored.location(), back, Progress.NONE);

    assertThat(stored.size()).isEqualTo(300_000);
    assertThat(stored.sha256()).isEqualTo(sha256(src));
    assertThat(got).isEqualTo(new Received(300_000, stored.sha256()));
    assertThat(Files.mismatch(src, back)).isEqualTo(-1);
  }

  @Test
  void upload_sameKeyTwice_isIdempotent() throws IOException {
    Path src = file("twice.bin", 50_000);
    StoredObject first = target().upload(request(src, "TWICE1/twice.bin"));
    StoredObject second = target().upload(request(src, "TWICE1/twice.bin"));

    assertThat(second.location()).isEqualTo(first.location());
    assertThat(second.sha256()).isEqualTo(first.sha256());
    assertThat(target().presence("TWICE1/twice.bin", 50_000, src))
        .isEqualTo(new Presence.Complete(second));
  }

  @Test
  void upload_emptyFile_roundTripsAsEmpty() throws IOException {
    Path src = file("empty.txt", 0);
    StoredObject stored = target().upload(request(src, "EMPTY1/empty.txt"));

    Path back = dir.resolve("empty-back");
    Received got = target().download(stored.location(), back, Progress.NONE);

    assertThat(stored.size()).isZero();
    assertThat(got).isEqualTo(new Received(0, Sha256.empty()));
    assertThat(back).isEmptyFile();
  }

  @Test
  void upload_nameWithSpacesAndUnicode_roundTrips() throws IOException {
    Path src = file("src", 1234);
    String key = ObjectKeys.of("UNI001", "Отчёт за май (final) #2.pdf");
    StoredObject stored = target().upload(request(src, key));

    Path back = dir.resolve("u-back");
    target().download(stored.location(), back, Progress.NONE);

    assertThat(Files.mismatch(src, back)).isEqualTo(-1);
  }

  @Test
  void upload_reportsProgressUpToTheFileSize() throws IOException {
    Path src = file("p.bin", 200_000);
    AtomicLong seen = new AtomicLong();
    target().upload(new UploadRequest(src, "PROG01/p.bin", 200_000, "application/octet-stream",
        seen::addAndGet));

    assertThat(seen.get()).isEqualTo(200_000);
  }

  @Test
  void presence_ofMissingObject_isIncomplete_atTheLocationToClean() throws IOException {
    Path src = file("m.bin", 10_000);

    Presence p = target().presence("NOPE00/missing.bin", 10_000, src);

    assertThat(p).isInstanceOf(Presence.Incomplete.class);
    target().delete(((Presence.Incomplete) p).location()); // harmless: nothing is there
  }

  @Test
  void presence_ofAStoredObject_recordsItWhole_evenWhenTheUploadsAnswerWasLost()
      throws IOException {
    Path src = file("lost.bin", 300_000); // segmented where the backend segments
    StoredObject stored = target().upload(request(src, "LOST01/lost.bin"));

    Presence p = target().presence("LOST01/lost.bin", 300_000, src);

    assertThat(p).isEqualTo(new Presence.Complete(stored));
  }

  @Test
  void presence_withoutTheLocalSource_stillRecordsAStoredObjectWhole() throws IOException {
    // a URL job taken over on another node: its fetched copy is not here
    for (int size : new int[] {20_000, 300_000}) { // plain, and segmented where it segments
      Path src = file("away-" + size + ".bin", size);
      String key = "AWAY0" + (size / 100_000) + "/away.bin";
      StoredObject stored = target().upload(request(src, key));
      Files.delete(src);

      assertThat(target().presence(key, size, null)).isEqualTo(new Presence.Complete(stored));
      assertThat(target().presence(key, size, src)).isEqualTo(new Presence.Complete(stored));
    }
  }

  @Test
  void presence_ofAnObjectOfAnotherSize_isIncomplete() throws IOException {
    Path src = file("other.bin", 20_000);
    target().upload(request(src, "SIZE01/other.bin"));

    assertThat(target().presence("SIZE01/other.bin", 20_001, src))
        .isInstanceOf(Presence.Incomplete.class);
  }

  @Test
  void presence_ofAnEmptyFile_isComplete_withoutAnyRemoteObject() throws IOException {
    Path src = file("e.txt", 0);
    StoredObject stored = target().upload(request(src, "EMPTY2/e.txt"));

    assertThat(target().presence("EMPTY2/e.txt", 0, src)).isEqualTo(new Presence.Complete(stored));
  }

  @Test
  void delete_removesObject_andDeletingAgainIsHarmless() throws IOException {
    Path src = file("d.bin", 10_000);
    StoredObject stored = target().upload(request(src, "DEL001/d.bin"));

    target().delete(stored.location());
    target().delete(stored.location());

    assertThat(target().presence("DEL001/d.bin", 10_000, src))
        .isInstanceOf(Presence.Incomplete.class);
  }

  @Test
  void download_ofMissingObject_failsPermanently() {
    assertThatThrownBy(() -> target().download("GONE00/gone.bin", dir.resolve("x"), Progress.NONE))
        .isInstanceOf(StorageException.class)
        .extracting(e -> ((StorageException) e).disposition())
        .isEqualTo(Disposition.PERMANENT);
  }

  @Test
  void upload_ofMissingSource_failsPermanently() {
    Path missing = dir.resolve("never-created.bin");
    assertThatThrownBy(() -> target().upload(request(missing, "MISS01/x.bin", 10)))
        .isInstanceOf(StorageException.class)
        .extracting(e -> ((StorageException) e).disposition())
        .isEqualTo(Disposition.PERMANENT);
  }

  protected Path file(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(name.hashCode()).nextBytes(data);
    Path p = dir.resolve(name);
    Files.write(p, data);
    return p;
  }

  protected static UploadRequest request(Path src, String key) throws IOException {
    return request(src, key, Files.size(src));
  }

  protected static UploadRequest request(Path src, String key, long size) {
    return new UploadRequest(src, key, size, "application/octet-stream", Progress.NONE);
  }

  protected static String sha256(Path p) throws IOException {
    MessageDigest d = Sha256.newDigest();
    d.update(Files.readAllBytes(p));
    return Sha256.hex(d);
  }
}
