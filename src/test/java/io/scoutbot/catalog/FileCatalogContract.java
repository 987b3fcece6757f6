package io.scoutbot.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.db.Database;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of the catalog's two ports ({@link FileCatalog} and its deletion side, {@link
 * DeletedFiles}), run against every database the service supports. One contract for both because
 * one implementation serves both, and deletion is only observable through the catalog.
 */
abstract class FileCatalogContract {

  protected Database db;
  protected final ManualClock clock = new ManualClock();
  private String url;

  /** A JDBC URL of an empty database (or schema) for this test. */
  protected abstract String freshDatabaseUrl();

  /** Removes what {@link #freshDatabaseUrl()} created, if the database keeps it. */
  protected void dropDatabase(String url) {}

  @BeforeEach
  void open() {
    url = freshDatabaseUrl();
    db = Database.open(url);
  }

  @AfterEach
  void close() {
    db.close();
    dropDatabase(url);
  }

  private JdbcFileCatalog catalog(Supplier<String> codes) {
    return new JdbcFileCatalog(db, codes, clock);
  }

  private static NewFile pending(long owner, String name, long size) {
    return new NewFile(owner, name, size, "application/pdf", "local", FileStatus.PENDING);
  }

  @Test
  void markDeleted_returnsTheEntryWithItsObject_hidesIt_andKeepsTheObjectUntilRemoved() {
    JdbcFileCatalog both = catalog(FileCodes.random()); // the same entries through both ports
    JdbcFileCatalog catalog = both;
    DeletedFiles deletedFiles = both;
    StoredFile f = catalog.register(pending(7, "report.pdf", 123));
    catalog.transition(f.code(), FileStatus.COMPLETED,
        new StoredObject(f.code() + "/report.pdf", 123, "ab".repeat(32), 1), null);

    StoredFile deleted = deletedFiles.markDeleted(7, f.code()).orElseThrow();

    assertThat(deleted.remotePath()).isEqualTo(f.code() + "/report.pdf");
    assertThat(deleted.status()).isEqualTo(FileStatus.DELETED);
    assertThat(catalog.find(7, f.code())).isEmpty();
    assertThat(deletedFiles.markDeleted(7, f.code())).as("deleting twice").isEmpty();
    assertThat(deletedFiles.deletedWithObjects(10)).extracting(StoredFile::code)
        .containsExactly(f.code());
    deletedFiles.objectRemoved(f.code());
    assertThat(deletedFiles.deletedWithObjects(10)).isEmpty();
  }

  @Test
  void objectLeft_recordsALateUploadsObject_onlyForADeletedFileThatNamesNoneYet() {
    JdbcFileCatalog both = catalog(FileCodes.random());
    JdbcFileCatalog catalog = both;
    DeletedFiles deletedFiles = both;
    StoredFile live = catalog.register(pending(7, "live.pdf", 1));
    StoredFile gone = catalog.register(pending(7, "gone.pdf", 1));
    deletedFiles.markDeleted(7, gone.code());

    deletedFiles.objectLeft(live.code(), "x/live.pdf"); // not deleted: ignored
    deletedFiles.objectLeft(gone.code(), "x/gone.pdf");
    deletedFiles.objectLeft(gone.code(), "x/other.pdf"); // already names one: kept

    assertThat(deletedFiles.deletedWithObjects(10)).extracting(StoredFile::remotePath)
        .containsExactly("x/gone.pdf");
    assertThat(catalog.find(7, live.code()).orElseThrow().remotePath()).isNull();
  }

  @Test
  void markDeleted_ofAnotherUsersFile_isEmpty_andLeavesItAlone() {
    JdbcFileCatalog both = catalog(FileCodes.random());
    JdbcFileCatalog catalog = both;
    DeletedFiles deletedFiles = both;
    StoredFile f = catalog.register(pending(7, "report.pdf", 123));

    assertThat(deletedFiles.markDeleted(8, f.code())).isEmpty();
    assertThat(catalog.find(7, f.code())).isPresent();
  }

  @Test
  void markDeleted_whileUploading_makesTheLateCompletionFail() {
    JdbcFileCatalog both = catalog(FileCodes.random());
    JdbcFileCatalog catalog = both;
    DeletedFiles deletedFiles = both;
    StoredFile f = catalog.register(pending(7, "report.pdf", 123));
    catalog.transition(f.code(), FileStatus.UPLOADING, null, null);

    assertThat(deletedFiles.markDeleted(7, f.code()).orElseThrow().remotePath()).isNull();

    assertThat(catalog.transition(f.code(), FileStatus.COMPLETED,
        new StoredObject(f.code() + "/report.pdf", 123, "ab".repeat(32), 1), null)).isFalse();
    assertThat(deletedFiles.deletedWithObjects(10)).isEmpty();
  }

  @Test
  void register_givesASixCharacterCode_andFindReturnsTheEntry() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    StoredFile f = catalog.register(pending(7, "report.pdf", 123));

    assertThat(f.code()).matches("[A-Z0-9]{6}");
    assertThat(catalog.find(7, f.code())).hasValueSatisfying(found -> {
      assertThat(found.name()).isEqualTo("report.pdf");
      assertThat(found.size()).isEqualTo(123);
      assertThat(found.status()).isEqualTo(FileStatus.PENDING);
      assertThat(found.createdAt()).isEqualTo(clock.instant().truncatedTo(
          java.time.temporal.ChronoUnit.MILLIS));
    });
  }

  @Test
  void find_anotherUsersCode_isEmptyLikeAnUnknownCode() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    StoredFile f = catalog.register(pending(1, "mine.txt", 1));

    assertThat(catalog.find(2, f.code())).isEmpty();
    assertThat(catalog.find(1, "ZZZZZZ")).isEmpty();
  }

  @Test
  void register_whenTheCodeIsTaken_retriesWithANewCode() {
    Iterator<String> codes = List.of("AAAAAA", "AAAAAA", "AAAAAA", "BBBBBB").iterator();
    JdbcFileCatalog catalog = catalog(codes::next);

    StoredFile first = catalog.register(pending(1, "a", 1));
    StoredFile second = catalog.register(pending(2, "b", 1));

    assertThat(first.code()).isEqualTo("AAAAAA");
    assertThat(second.code()).isEqualTo("BBBBBB");
  }

  @Test
  void register_concurrentInsertsFromAColludingGenerator_allGetDistinctCodes() throws Exception {
    // 8 threads draw from a pool of 40 codes for 32 files: clashes are certain, duplicates are not
    Set<String> drawn = ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    Supplier<String> colliding =
        () -> {
          String c = String.format("C%05d", next.getAndIncrement() % 40 / 2);
          drawn.add(c);
          return c;
        };
    JdbcFileCatalog catalog = catalog(colliding);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      int owner = i;
      results.add(pool.submit(() -> {
        go.await();
        return catalog.register(pending(owner, "f" + owner, owner)).code();
      }));
    }
    go.countDown();
    Set<String> codes = new java.util.HashSet<>();
    for (Future<String> r : results) {
      codes.add(r.get());
    }
    pool.shutdown();

    assertThat(codes).hasSize(16);
  }

  @Test
  void transition_toCompleted_recordsWhatWasStored_andListShowsIt() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    StoredFile f = catalog.register(pending(5, "movie.mkv", 0));
    clock.advance(Duration.ofSeconds(1));
    catalog.transition(f.code(), FileStatus.UPLOADING, null, null);
    clock.advance(Duration.ofSeconds(4));
    catalog.transition(f.code(), FileStatus.COMPLETED,
        new StoredObject(f.code() + "/movie.mkv", 999, "ab".repeat(32), 1), null);

    StoredFile done = catalog.find(5, f.code()).orElseThrow();
    assertThat(done.status()).isEqualTo(FileStatus.COMPLETED);
    assertThat(done.size()).isEqualTo(999);
    assertThat(done.sha256()).isEqualTo("ab".repeat(32));
    assertThat(done.remotePath()).isEqualTo(f.code() + "/movie.mkv");
    assertThat(done.segments()).isEqualTo(1);
    assertThat(Duration.between(done.startedAt(), done.completedAt())).hasSeconds(4);
    assertThat(catalog.page(5, 0, 100)).extracting(StoredFile::code).containsExactly(f.code());
    assertThat(catalog.page(6, 0, 100)).isEmpty();
  }

  @Test
  void list_showsOnlyCompletedFiles_newestFirst() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    String older = complete(catalog, 1, "old.txt");
    clock.advance(Duration.ofMinutes(1));
    String newer = complete(catalog, 1, "new.txt");
    StoredFile failed = catalog.register(pending(1, "bad.txt", 1));
    catalog.transition(failed.code(), FileStatus.FAILED, null, "rejected");
    catalog.register(pending(1, "waiting.txt", 1));

    assertThat(catalog.page(1, 0, 100)).extracting(StoredFile::code).containsExactly(newer, older);
  }

  @Test
  void transition_ofADeletedFile_isRefused_soNothingBringsItBack() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    StoredFile f = catalog.register(pending(1, "gone.txt", 1));
    catalog.markDeleted(1, f.code());

    assertThat(catalog.transition(f.code(), FileStatus.FAILED, null, "cancelled")).isFalse();
    assertThat(catalog.transition(f.code(), FileStatus.COMPLETED,
        new StoredObject(f.code() + "/gone.txt", 1, "00".repeat(32), 1), null)).isFalse();
    assertThat(catalog.find(1, f.code())).isEmpty();
  }

  @Test
  void transition_ofACompletedFile_neverDowngrades_andDeletingIsNotATransition() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    String code = complete(catalog, 1, "kept.txt");

    assertThat(catalog.transition(code, FileStatus.PENDING, null, "retrying")).isFalse();
    assertThat(catalog.transition(code, FileStatus.FAILED, null, "late failure")).isFalse();
    assertThat(catalog.find(1, code).orElseThrow().status()).isEqualTo(FileStatus.COMPLETED);
    // deleting goes through DeletedFiles.markDeleted, which reads the object in the same step
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> catalog.transition(code, FileStatus.DELETED, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void transition_ofAnUnknownCode_fails() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> catalog.transition("NOPE00", FileStatus.FAILED, null, "x"))
        .hasMessageContaining("no catalog entry with code NOPE00");
  }

  @Test
  void deleted_filesAreNeitherFoundNorListed() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    String code = complete(catalog, 1, "gone.txt");
    catalog.markDeleted(1, code);

    assertThat(catalog.find(1, code)).isEmpty();
    assertThat(catalog.page(1, 0, 100)).isEmpty();
  }

  @Test
  void stats_countDeletedAsStoredAndIgnorePendingWhenComputingTheSuccessRate() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    complete(catalog, 1, "a.txt");
    String deleted = complete(catalog, 1, "b.txt");
    catalog.markDeleted(1, deleted);
    StoredFile failed = catalog.register(pending(1, "c.txt", 1));
    catalog.transition(failed.code(), FileStatus.FAILED, null, "boom");
    catalog.register(pending(1, "d.txt", 1));
    complete(catalog, 2, "other-user.txt");

    CatalogStats s = catalog.stats(1);

    assertThat(s.files()).isEqualTo(1);
    assertThat(s.totalBytes()).isEqualTo(10);
    assertThat(s.completed()).isEqualTo(2);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.successRate()).isCloseTo(66.7, org.assertj.core.data.Offset.offset(0.1));
    assertThat(s.uploadsLastDay()).isEqualTo(3);
    assertThat(s.averageUploadSeconds()).isEqualTo(2.0);
  }

  @Test
  void stats_uploadsLastDay_forgetsOlderUploads() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    complete(catalog, 1, "old.txt");
    clock.advance(Duration.ofHours(25));
    complete(catalog, 1, "new.txt");

    assertThat(catalog.stats(1).uploadsLastDay()).isEqualTo(1);
  }

  @Test
  void page_walksTheStoredFilesNewestFirst_inPagesOfTheGivenSize() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    List<String> codes = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      codes.add(0, complete(catalog, 9, "f" + i + ".bin"));
      clock.advance(java.time.Duration.ofSeconds(1));
    }

    assertThat(catalog.page(9, 0, 2)).extracting(StoredFile::code)
        .containsExactly(codes.get(0), codes.get(1));
    assertThat(catalog.page(9, 2, 2)).extracting(StoredFile::code)
        .containsExactly(codes.get(2), codes.get(3));
    assertThat(catalog.page(9, 4, 2)).extracting(StoredFile::code).containsExactly(codes.get(4));
    assertThat(catalog.page(9, 6, 2)).isEmpty();
  }

  @Test
  void describe_recordsWhatFetchingLearned_butNeverRenamesAStoredFile() {
    JdbcFileCatalog catalog = catalog(FileCodes.random());
    StoredFile f = catalog.register(new NewFile(3, "download", -1, "application/octet-stream",
        "local", FileStatus.PENDING));

    catalog.describe(f.code(), "report.pdf", 1234, "application/pdf");

    StoredFile now = catalog.find(3, f.code()).orElseThrow();
    assertThat(now.name()).isEqualTo("report.pdf");
    assertThat(now.size()).isEqualTo(1234);
    assertThat(now.mimeType()).isEqualTo("application/pdf");
    String stored = complete(catalog, 3, "kept.bin");
    catalog.describe(stored, "renamed.bin", 1, "text/plain");
    assertThat(catalog.find(3, stored).orElseThrow().name()).isEqualTo("kept.bin");
  }

  private String complete(JdbcFileCatalog catalog, long owner, String name) {
    StoredFile f = catalog.register(pending(owner, name, 10));
    catalog.transition(f.code(), FileStatus.UPLOADING, null, null);
    clock.advance(Duration.ofSeconds(2));
    catalog.transition(f.code(), FileStatus.COMPLETED,
        new StoredObject(f.code() + "/" + name, 10, "00".repeat(32), 1), null);
    return f.code();
  }
}
