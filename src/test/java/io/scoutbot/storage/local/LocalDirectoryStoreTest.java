package io.scoutbot.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.storage.StorageException;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.testing.ManualClock;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the local store promises beyond the shared contract: atomic writes and confinement. */
class LocalDirectoryStoreTest {

  @TempDir Path dir;

  private final MemoryBudget budget = new MemoryBudget(4 << 20, 4 << 20);

  private LocalDirectoryStore store() {
    return new LocalDirectoryStore(dir.resolve("store"), budget, 64 * 1024);
  }

  @Test
  void upload_whileInProgress_isInvisibleUnderItsRealName() throws IOException {
    Path src = dir.resolve("src.bin");
    Files.write(src, new byte[500_000]);
    LocalDirectoryStore store = store();
    Path finalName = store.root().resolve("ABC123/src.bin");
    AtomicReference<Boolean> visibleMidway = new AtomicReference<>();
    AtomicReference<Long> partFilesMidway = new AtomicReference<>();

    store.upload(new UploadRequest(src, "ABC123/src.bin", 500_000, "application/octet-stream",
        bytes -> {
          if (visibleMidway.get() == null) {
            visibleMidway.set(Files.exists(finalName));
            partFilesMidway.set(countParts(store.root().resolve("ABC123")));
          }
        }));

    assertThat(visibleMidway.get()).isFalse();
    assertThat(partFilesMidway.get()).isEqualTo(1);
    assertThat(finalName).hasSize(500_000);
    assertThat(countParts(store.root().resolve("ABC123"))).isZero();
  }

  @Test
  void upload_failingMidway_leavesNeitherThePartFileNorTheRealName() throws IOException {
    Path src = dir.resolve("src.bin");
    Files.write(src, new byte[300_000]);
    LocalDirectoryStore store = store();

    assertThatThrownBy(
            () -> store.upload(new UploadRequest(src, "CRASH1/src.bin", 300_000,
                "application/octet-stream", bytes -> {
                  throw new IllegalStateException("simulated crash mid-copy");
                })))
        .hasMessageContaining("simulated crash");

    assertThat(store.root().resolve("CRASH1/src.bin")).doesNotExist();
    assertThat(countParts(store.root().resolve("CRASH1"))).isZero();
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void upload_whenTheSourceChangesSize_failsAndStoresNothing() throws IOException {
    Path src = dir.resolve("grow.bin");
    Files.write(src, new byte[1000]);
    LocalDirectoryStore store = store();

    assertThatThrownBy(
            () -> store.upload(new UploadRequest(src, "GROW01/grow.bin", 999,
                "application/octet-stream", Progress.NONE)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("changed while it was being stored");
    assertThat(store.presence("GROW01/grow.bin", 999, src))
        .isInstanceOf(io.scoutbot.storage.Presence.Incomplete.class);
    assertThat(store.root().resolve("GROW01/grow.bin")).doesNotExist();
  }

  @Test
  void upload_replacingAnExistingObject_isAtomic() throws IOException {
    LocalDirectoryStore store = store();
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Files.write(a, new byte[] {1, 2, 3});
    Files.write(b, new byte[] {4, 5, 6, 7});

    store.upload(new UploadRequest(a, "SAME01/x", 3, "application/octet-stream", Progress.NONE));
    StoredObject second =
        store.upload(new UploadRequest(b, "SAME01/x", 4, "application/octet-stream",
            Progress.NONE));

    assertThat(second.size()).isEqualTo(4);
    assertThat(Files.readAllBytes(store.root().resolve("SAME01/x"))).containsExactly(4, 5, 6, 7);
  }

  @Test
  void keys_thatWouldEscapeTheRoot_areRefused() {
    LocalDirectoryStore store = store();
    assertThatThrownBy(() -> store.presence("../outside", 1, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete("a/../../x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void delete_removesTheEmptyCodeFolderToo() throws IOException {
    LocalDirectoryStore store = store();
    Path a = dir.resolve("a");
    Files.write(a, new byte[] {1});
    store.upload(new UploadRequest(a, "FOLD01/a", 1, "application/octet-stream", Progress.NONE));

    store.delete("FOLD01/a");

    assertThat(store.root().resolve("FOLD01")).doesNotExist();
  }

  @Test
  void check_reportsUp_forAWritableRoot() {
    assertThat(store().check().up()).isTrue();
  }

  @Test
  void sweepParts_removesOnlyPartFilesOlderThanTheAge_andTheirFolderOnceEmpty() throws IOException {
    ManualClock clock = new ManualClock();
    LocalDirectoryStore store =
        new LocalDirectoryStore(dir.resolve("store"), budget, 64 * 1024, clock);
    Instant now = clock.instant();
    Path crashed = part(store, "OLD001", ".part-abc", now.minus(Duration.ofHours(3)));
    Path alone = part(store, "OLD002", ".part-def", now.minus(Duration.ofHours(2)));
    Path recent = part(store, "NEW001", ".part-ghi", now.minus(Duration.ofMinutes(5)));
    Path object = part(store, "OLD001", "kept.bin", now.minus(Duration.ofDays(30)));
    Path notAPart = part(store, "OLD003", "part-old.bin", now.minus(Duration.ofDays(30)));

    int removed = store.sweepParts(Duration.ofHours(1));

    assertThat(removed).isEqualTo(2);
    assertThat(crashed).doesNotExist();
    assertThat(object).as("a stored object, however old").exists();
    assertThat(alone).doesNotExist();
    assertThat(alone.getParent()).as("its code folder, now empty").doesNotExist();
    assertThat(recent).as("an upload that may still be running").exists();
    assertThat(notAPart).exists();
    assertThat(store.root()).isDirectory();
  }

  @Test
  void sweepParts_ofAStoreNeverWritten_removesNothing() {
    assertThat(store().sweepParts(Duration.ofHours(1))).isZero();
  }

  private static Path part(LocalDirectoryStore store, String code, String name, Instant written)
      throws IOException {
    Path p = store.root().resolve(code).resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(p, FileTime.from(written));
    return p;
  }

  private static long countParts(Path folder) {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().startsWith(LocalDirectoryStore.PART_PREFIX))
          .count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
