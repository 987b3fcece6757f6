package io.scoutbot.queue;

import io.scoutbot.catalog.CatalogStats;
import io.scoutbot.catalog.FileStates;
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

  FileStates states() {
    FileStates real = h.catalog;
    return new FileStates() {
      @Override
      public boolean transition(String code, FileStatus s, io.scoutbot.storage.StoredObject o,
          String e) {
        if (failing.test(s)) {
          check("cannot update " + code);
        }
        return real.transition(code, s, o, e);
      }

      @Override
      public void describe(String code, String name, long size, String mimeType) {
        check("cannot update " + code);
        real.describe(code, name, size, mimeType);
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
      public Lease renew(Job j, Heartbeat beat) {
        check("cannot update the queue");
        return real.renew(j, beat);
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
    return new JobRunner(
        new JobRunner.Ports(queue(), h.catalog, states(), h.catalog, h.storage, h.spool, h.jobDirs,
            io.scoutbot.fetch.Fetchers.localOnly(), Long.MAX_VALUE,
            io.scoutbot.safety.FilePolicy.allowAll()),
        new JobRunner.Governor(
            io.scoutbot.resource.WorkLimit.fixed(1), p -> {}),
        JobRunner.Routing.storeOnly(),
        h.policy, h.events, h.throughput,
        new JobRunner.Seams(h.clock, h.clock, d -> h.sleeper.sleep(d), () -> 0.0));
  }
}
