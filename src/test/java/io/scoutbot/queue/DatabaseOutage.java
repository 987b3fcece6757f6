package io.scoutbot.queue;

import io.scoutbot.catalog.CatalogStats;
import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.NewFile;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.db.DatabaseFailure;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A switchable database outage in front of a harness's catalog and queue: while {@link #down} is
 * set, the writes {@link #failing} selects throw the {@link DatabaseFailure} a refused connection
 * would. Thread-safe.
 */
final class DatabaseOutage {

  final AtomicBoolean down = new AtomicBoolean();
  /** While down, the database refuses statements (a constraint, a schema problem) instead. */
  volatile boolean refusing;
  /** Which catalog transitions fail while down; settlements and renewals always do. */
  volatile Predicate<FileStatus> failing = s -> true;

  private final QueueHarness h;

  DatabaseOutage(QueueHarness h) {
    this.h = h;
  }

  private void check(String what) {
    if (down.get()) {
      // as PostgreSQL's driver reports a server it cannot reach, or a statement it refuses
      throw DatabaseFailure.of(what, refusing
          ? new SQLException("duplicate key value violates unique constraint", "23505")
          : new SQLException("Connection refused", "08001"));
    }
  }

  FileCatalog catalog() {
    FileCatalog real = h.catalog;
    return new FileCatalog() {
      @Override
      public StoredFile register(NewFile f) {
        return real.register(f);
      }

      @Override
      public boolean transition(String code, FileStatus s, io.scoutbot.storage.StoredObject o,
          String e) {
        if (failing.test(s)) {
          check("cannot update " + code);
        }
        return real.transition(code, s, o, e);
      }

      @Override
      public Optional<StoredFile> find(long owner, String code) {
        return real.find(owner, code);
      }

      @Override
      public List<StoredFile> list(long owner) {
        return real.list(owner);
      }

      @Override
      public CatalogStats stats(long owner) {
        return real.stats(owner);
      }
    };
  }

  UploadQueue queue() {
    UploadQueue real = h.queue;
    return new UploadQueue() {
      @Override
      public Job enqueue(NewJob j) {
        return real.enqueue(j);
      }

      @Override
      public Optional<Job> claim(ClaimRequest r) {
        return real.claim(r);
      }

      @Override
      public boolean renew(Job j, long progress) {
        check("cannot update the queue");
        return real.renew(j, progress);
      }

      @Override
      public boolean settle(Job j, Settlement s) {
        check("cannot update the queue");
        return real.settle(j, s);
      }

      @Override
      public Optional<Job> find(long id) {
        return real.find(id);
      }
    };
  }

  /** A runner over the harness whose catalog and queue writes go through this outage. */
  JobRunner runner() {
    return new JobRunner(queue(), catalog(), h.catalog, h.storage, h.spool, h.policy,
        io.scoutbot.resource.Gate.open(), io.scoutbot.resource.WorkLimit.fixed(1), p -> {},
        h.events, h.throughput, h.clock, h.clock, nanos -> h.sleeper.sleep(nanos), () -> 0.0);
  }
}
