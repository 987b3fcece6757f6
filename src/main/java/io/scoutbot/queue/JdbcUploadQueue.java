package io.scoutbot.queue;

import io.scoutbot.config.QueueConfig;
import io.scoutbot.db.Columns;
import io.scoutbot.db.Database;
import io.scoutbot.db.DatabaseFailure;
import io.scoutbot.db.Dialect;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload queue in the service's database, one table ({@code upload_job}, see {@code
 * V2__queue.sql}) with the same SQL on SQLite and PostgreSQL except the claim's locking. Thread-safe
 * and safe across processes: every method uses its own pooled connection and short transactions.
 *
 * <h2>Claiming</h2>
 *
 * One statement leases the best due job: {@code UPDATE upload_job SET state = 'running', … WHERE id
 * = (SELECT … ORDER BY … LIMIT 1) RETURNING …}. On SQLite it runs under the database's single write
 * lock, so the subquery's view (including the per-user running count) cannot change before the
 * update. On PostgreSQL the subquery adds {@code FOR UPDATE SKIP LOCKED}, so concurrent claimers
 * take different rows without waiting for each other; the per-user running limit is then re-checked
 * under a lock on the owner's {@code queue_owner} row, and a claim that would overshoot it is rolled
 * back and retried for another user's job.
 *
 * <h2>Fencing</h2>
 *
 * Every claim increments {@code version}; renewals and settlements carry the version they claimed
 * and only touch a row that is still running at that version. A worker that stalled past its lease
 * therefore cannot overwrite the outcome of the worker that took the job over.
 *
 * <h2>Submitting</h2>
 *
 * One transaction takes the next id from {@code queue_sequence} (which serialises submissions),
 * checks the user's limits, registers the file in the catalog (the same database) and inserts the
 * job with its code. Either all of it is recorded or none: a submission the user was told failed
 * never runs, and a job never exists without the code its user knows it by.
 */
public final class JdbcUploadQueue implements UploadQueue, JobBoard, JobActions,
    QueueHousekeeping, EndedJobs {

  private static final Logger log = LoggerFactory.getLogger(JdbcUploadQueue.class);

  /** Finished jobs deleted per statement by {@link #purgeFinished}. */
  static final int PURGE_BATCH = 500;

  private static final String COLUMNS =
      "id, owner_id, source_kind, source_ref, source_node, source_owned, name, size, destination,"
          + " state, attempts, failures, next_attempt_at, last_error, code, lease_owner,"
          + " lease_until, progress_bytes, version, created_at, started_at, finished_at, tag,"
          + " phase, cancel_requested, route, chat_id, delivered, taken_over";

  private final Database db;
  private final CodeRegistrar registrar;
  private final InstantSource clock;
  private final QueueLimits limits;
  private final int maxRunningPerUser;
  private final Duration lease;
  private final Duration aging;
  private final Duration keepFinished;

  public JdbcUploadQueue(
      Database db, CodeRegistrar registrar, InstantSource clock, QueueConfig config) {
    this.db = db;
    this.registrar = registrar;
    this.clock = clock;
    this.limits = new QueueLimits(config.maxQueuedJobsPerUser(), config.maxQueuedBytesPerUser());
    this.maxRunningPerUser = config.maxRunningPerUser();
    this.lease = config.lease();
    this.aging = config.aging();
    this.keepFinished = config.keepFinished();
  }

  /** The submission limits this queue enforces. */
  public QueueLimits limits() {
    return limits;
  }

  // ---------------------------------------------------------------- UploadQueue

  @Override
  public Job enqueue(NewJob n) {
    long now = clock.millis();
    Instant at = Instant.ofEpochMilli(now);
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        long id = nextId(c);
        limits.check(usage(c, n.ownerId()), n.size());
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO queue_owner (owner_id, submitted) VALUES (?, 1) ON CONFLICT (owner_id)"
                    + " DO UPDATE SET submitted = queue_owner.submitted + 1")) {
          ps.setLong(1, n.ownerId());
          ps.executeUpdate();
        }
        String code = registrar.register(c, submitted(id, n, at, null));
        insert(c, id, n, code, now);
        c.commit();
        return submitted(id, n, at, code);
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          // the transaction never committed, so the database discards it with the connection
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        try {
          c.setAutoCommit(true);
        } catch (SQLException ignored) {
          // a broken connection; the pool drops it
        }
      }
    } catch (SQLException e) {
      throw failure("cannot record the upload of " + n.name(), e);
    }
  }

  @Override
  public Optional<Job> claim(ClaimRequest r) {
    Instant now = clock.instant();
    Set<Long> skipOwners = new HashSet<>();
    // a round rolled back for a user at the running limit skips that user from then on, so this
    // ends once a job is claimed or no other user's job is due (at most one round per user)
    while (true) {
      try (Connection c = db.dataSource().getConnection()) {
        c.setAutoCommit(false);
        try {
          Job job = claimOne(c, r, now, skipOwners, aliveOwnersOfExpiredLeases(c, r, now));
          if (job != null && db.dialect() == Dialect.POSTGRESQL
              && runningAfterLock(c, job.ownerId(), now) > maxRunningPerUser) {
            // another process claimed a job of this user at the same moment: leave this one
            c.rollback();
            skipOwners.add(job.ownerId());
            continue;
          }
          c.commit();
          return Optional.ofNullable(job);
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw failure("cannot claim a job", e);
      }
    }
  }

  @Override
  public Lease renew(Job claimed, Heartbeat beat) {
    // RETURNING tells in the same statement whether the owner asked to cancel meanwhile; a beat
    // without a phase keeps the recorded one: once bytes moved, the attempt counts (see claimOne)
    List<Long> cancel = longs("UPDATE upload_job SET lease_until = ?, progress_bytes = ?,"
            + " phase = COALESCE(?, phase),"
            + " name = COALESCE(?, name), size = CASE WHEN ? >= 0 THEN ? ELSE size END"
            + " WHERE id = ? AND version = ? AND state = 'running' RETURNING cancel_requested",
        clock.millis() + lease.toMillis(), beat.progressBytes(), beat.phase(), beat.name(),
        beat.size(), beat.size(), claimed.id(), claimed.version());
    if (cancel.isEmpty()) {
      return Lease.LOST;
    }
    return cancel.getFirst() == 1 ? Lease.CANCEL_REQUESTED : Lease.HELD;
  }

  @Override
  public boolean settle(Job claimed, Settlement s) {
    long now = clock.millis();
    String fence = " WHERE id = ? AND version = ? AND state = 'running'";
    int n =
        switch (s) {
          case Settlement.Delivered sent ->
              update("UPDATE upload_job SET state = 'completed', finished_at = ?, lease_until = NULL,"
                      + " last_error = NULL, size = ?, progress_bytes = ?, phase = NULL,"
                      + " delivered = 1" + fence,
                  now, sent.size(), sent.size(), claimed.id(), claimed.version());
          case Settlement.Completed done ->
              update("UPDATE upload_job SET state = 'completed', finished_at = ?, lease_until = NULL,"
                      + " last_error = NULL, size = ?, progress_bytes = ?, phase = NULL" + fence,
                  now, done.size(), done.size(), claimed.id(), claimed.version());
          case Settlement.Retry retry ->
              update("UPDATE upload_job SET state = 'pending', next_attempt_at = ?, last_error = ?,"
                      + " failures = failures + ?, lease_owner = NULL, lease_until = NULL,"
                      + " phase = NULL, taken_over = 0" + fence,
                  retry.at().toEpochMilli(), retry.error(), retry.counted() ? 1 : 0, claimed.id(),
                  claimed.version());
          case Settlement.Failed failed ->
              update("UPDATE upload_job SET state = 'failed', finished_at = ?, last_error = ?,"
                      + " lease_until = NULL, phase = NULL" + fence,
                  now, failed.error(), claimed.id(), claimed.version());
          case Settlement.Blocked blocked ->
              update("UPDATE upload_job SET state = 'blocked', last_error = ?, lease_owner = NULL,"
                      + " lease_until = NULL, phase = NULL, taken_over = 0" + fence,
                  blocked.reason(), claimed.id(), claimed.version());
          // the next claim still asks the storage first if this claim was to (a takeover put
          // back at the gate), or if this attempt had sent bytes (stopped mid-upload, which may
          // have finished on the storage's side)
          case Settlement.Released released ->
              update("UPDATE upload_job SET state = 'pending', next_attempt_at = ?,"
                      + " attempts = attempts - 1, lease_owner = NULL, lease_until = NULL,"
                      + " taken_over = CASE WHEN phase IS NOT NULL THEN 1 ELSE taken_over END,"
                      + " phase = NULL" + fence,
                  now, claimed.id(), claimed.version());
          case Settlement.Cancelled cancelled ->
              update("UPDATE upload_job SET state = 'cancelled', finished_at = ?, last_error = ?,"
                      + " lease_until = NULL, phase = NULL" + fence,
                  now, cancelled.reason(), claimed.id(), claimed.version());
        };
    return n == 1;
  }

  // ---------------------------------------------------------------- JobBoard

  @Override
  public Optional<Job> find(long id) {
    return query("SELECT " + COLUMNS + " FROM upload_job WHERE id = ?", id).stream().findFirst();
  }

  @Override
  public List<Job> list(JobQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM upload_job WHERE state IN (");
    List<Object> args = new ArrayList<>();
    sql.append(q.states().stream().map(s -> "?").collect(Collectors.joining(", "))).append(')');
    q.states().stream().sorted().forEach(s -> args.add(s.dbValue()));
    if (q.owner().isPresent()) {
      sql.append(" AND owner_id = ?");
      args.add(q.owner().getAsLong());
    }
    sql.append(q.newestFinishedFirst()
        ? " ORDER BY finished_at DESC, id DESC" : " ORDER BY created_at, id");
    sql.append(" LIMIT ").append(q.limit());
    return query(sql.toString(), args.toArray());
  }

  @Override
  public Job cancel(long ownerId, long id) {
    long now = clock.millis();
    // one statement, so a job that changes state meanwhile is still cancelled: a waiting job ends
    // at once; a running one is asked to stop (its worker sees it at its next heartbeat)
    String waiting = "state IN ('pending', 'blocked')";
    int n = update("UPDATE upload_job SET"
            + " finished_at = CASE WHEN " + waiting + " THEN ? ELSE finished_at END,"
            + " last_error = CASE WHEN " + waiting + " THEN 'cancelled by its owner'"
            + " ELSE last_error END,"
            + " cancel_requested = CASE WHEN state = 'running' THEN 1 ELSE cancel_requested END,"
            + " state = CASE WHEN " + waiting + " THEN 'cancelled' ELSE state END"
            + " WHERE id = ? AND owner_id = ? AND state IN ('pending', 'blocked', 'running')",
        now, id, ownerId);
    Optional<Job> job = find(id).filter(j -> j.ownerId() == ownerId);
    if (n == 1) {
      return job.orElseThrow();
    }
    if (job.isEmpty()) {
      throw new ScoutFailure("no job " + id, Disposition.PERMANENT);
    }
    throw new ScoutFailure("job " + id + " is already " + job.get().state().dbValue(),
        Disposition.PERMANENT);
  }

  @Override
  public Job retry(long ownerId, long id) {
    int n = update("UPDATE upload_job SET state = 'pending', next_attempt_at = ?, failures = 0,"
            + " finished_at = NULL, lease_owner = NULL, lease_until = NULL, cancel_requested = 0"
            + " WHERE id = ? AND owner_id = ? AND state IN ('failed', 'blocked')",
        clock.millis(), id, ownerId);
    Optional<Job> job = find(id).filter(j -> j.ownerId() == ownerId);
    if (n == 1) {
      return job.orElseThrow();
    }
    if (job.isEmpty()) {
      throw new ScoutFailure("no job " + id, Disposition.PERMANENT);
    }
    throw new ScoutFailure("job " + id + " is " + job.get().state().dbValue() + "; only a failed"
        + " or blocked job can be retried", Disposition.PERMANENT);
  }

  @Override
  public QueueUsage usage(long ownerId) {
    try (Connection c = db.dataSource().getConnection()) {
      return usage(c, ownerId);
    } catch (SQLException e) {
      throw failure("cannot read the queue", e);
    }
  }

  @Override
  public QueueCounts counts() {
    long[] n = new long[JobState.values().length];
    Instant oldest = null;
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT state, COUNT(*), MIN(created_at) FROM upload_job"
                + " GROUP BY state");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        JobState s = JobState.fromDb(rs.getString(1));
        n[s.ordinal()] = rs.getLong(2);
        if (s == JobState.PENDING) {
          oldest = Instant.ofEpochMilli(rs.getLong(3));
        }
      }
    } catch (SQLException e) {
      throw failure("cannot count jobs", e);
    }
    return new QueueCounts(n[JobState.PENDING.ordinal()], n[JobState.RUNNING.ordinal()],
        n[JobState.BLOCKED.ordinal()], n[JobState.COMPLETED.ordinal()],
        n[JobState.FAILED.ordinal()], n[JobState.CANCELLED.ordinal()], oldest);
  }

  // ---------------------------------------------------------------- QueueHousekeeping

  @Override
  public int releaseDeadLeases(String node) {
    List<String> owners = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT DISTINCT lease_owner FROM upload_job"
                + " WHERE state = 'running' AND lease_owner IS NOT NULL")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          owners.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw failure("cannot read leases", e);
    }
    int released = 0;
    long expired = clock.millis() - 1;
    for (String owner : owners) {
      if (WorkerId.parse(owner).map(w -> w.isDeadOn(node)).orElse(false)) {
        int n = update("UPDATE upload_job SET lease_until = ? WHERE state = 'running'"
            + " AND lease_owner = ?", expired, owner);
        if (n > 0) {
          log.info("Worker {} is gone; its {} running job(s) go back to the queue now", owner, n);
        }
        released += n;
      }
    }
    return released;
  }

  @Override
  public Set<Path> liveOwnedFiles() {
    Set<Path> out = new LinkedHashSet<>();
    for (Job j :
        // a failed job keeps its copy for `queue --retry`, but not once its file was deleted
        query("SELECT " + COLUMNS + " FROM upload_job j WHERE source_kind = 'local_file'"
            + " AND source_owned = 1 AND (state IN ('pending', 'running', 'blocked')"
            + " OR (state = 'failed' AND EXISTS (SELECT 1 FROM stored_file f"
            + " WHERE f.code = j.code AND f.status <> 'deleted')))")) {
      if (j.source() instanceof JobSource.LocalFile f) {
        out.add(f.path());
      }
    }
    return out;
  }

  @Override
  public List<Job> recentlyEndedUnstored(int limit) {
    return query("SELECT " + COLUMNS + " FROM upload_job WHERE state IN ('failed', 'cancelled')"
        + " AND code IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT " + limit);
  }

  @Override
  public boolean adopt(Job job, long size) {
    return update("UPDATE upload_job SET state = 'completed', last_error = NULL, size = ?,"
        + " progress_bytes = ?, finished_at = ? WHERE id = ? AND state = 'failed' AND version = ?",
        size, size, clock.millis(), job.id(), job.version()) == 1;
  }

  @Override
  public boolean unchanged(Job job) {
    return !longs("SELECT id FROM upload_job WHERE id = ? AND state = ? AND version = ?",
        job.id(), job.state().dbValue(), job.version()).isEmpty();
  }

  @Override
  public int unblock() {
    int n = update("UPDATE upload_job SET state = 'pending', next_attempt_at = ?"
        + " WHERE state = 'blocked'", clock.millis());
    if (n > 0) {
      log.info("{} job(s) blocked by the configuration go back to the queue and are tried again", n);
    }
    return n;
  }

  @Override
  public int blocked() {
    return longs("SELECT COUNT(*) FROM upload_job WHERE state = 'blocked'").getFirst().intValue();
  }

  @Override
  public int purgeFinished() {
    if (keepFinished.isZero()) {
      return 0;
    }
    long before = clock.millis() - keepFinished.toMillis();
    int purged = 0;
    int n;
    do {
      // a bounded subquery, not one DELETE of everything: SQLite holds its single write lock for
      // the whole statement, and the first purge of a long history could stall every submission
      n = update("DELETE FROM upload_job WHERE id IN (SELECT id FROM upload_job"
          + " WHERE state IN ('completed', 'failed', 'cancelled') AND finished_at < ?"
          + " ORDER BY id LIMIT " + PURGE_BATCH + ")", before);
      purged += n;
    } while (n == PURGE_BATCH);
    if (purged > 0) {
      log.info("Removed {} finished job(s) older than {} days from the queue's history", purged,
          keepFinished.toDays());
    }
    return purged;
  }

  // ---------------------------------------------------------------- internals

  private long nextId(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("UPDATE queue_sequence SET last_value = last_value + 1"
                + " WHERE name = 'upload_job' RETURNING last_value");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("queue_sequence has no row for upload_job; is V2__queue.sql applied?");
      }
      return rs.getLong(1);
    }
  }

  private static QueueUsage usage(Connection c, long ownerId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(CASE WHEN size > 0 THEN size ELSE 0 END),"
            + " 0) FROM upload_job WHERE owner_id = ? AND state IN ('pending', 'running', 'blocked')"
            + "")) {
      ps.setLong(1, ownerId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new QueueUsage(rs.getLong(1), rs.getLong(2));
      }
    }
  }

  /** A job as its submission records it: pending, due at once, never tried. */
  private static Job submitted(long id, NewJob n, Instant at, String code) {
    return new Job(id, n.ownerId(), n.source(), n.name(), n.size(), n.destination(),
        JobState.PENDING, 0, 0, at, null, code, null, null, 0, 0, at, null, null, n.tag(), null,
        false, n.route(), false, false);
  }

  private static void insert(Connection c, long id, NewJob n, String code, long now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO upload_job (id, owner_id, source_kind, source_ref, source_node,"
                + " source_owned, name, size, destination, state, attempts, failures,"
                + " next_attempt_at, progress_bytes, version, created_at, code, tag, route, chat_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, 0, ?, 0, 0, ?, ?, ?, ?, ?)")) {
      int i = 1;
      ps.setLong(i++, id);
      ps.setLong(i++, n.ownerId());
      ps.setString(i++, n.source().kind());
      ps.setString(i++, n.source().ref());
      if (n.source().node() == null) {
        ps.setNull(i++, Types.VARCHAR);
      } else {
        ps.setString(i++, n.source().node());
      }
      ps.setInt(i++, n.source() instanceof JobSource.LocalFile f && f.owned() ? 1 : 0);
      ps.setString(i++, n.name());
      if (n.size() < 0) {
        ps.setNull(i++, Types.BIGINT);
      } else {
        ps.setLong(i++, n.size());
      }
      ps.setString(i++, n.destination());
      ps.setLong(i++, now);
      ps.setLong(i++, now);
      ps.setString(i++, code);
      if (n.tag() == null) {
        ps.setNull(i++, Types.VARCHAR);
      } else {
        ps.setString(i++, n.tag());
      }
      ps.setString(i++, n.route().kind().dbValue());
      if (n.route().kind() == Route.Kind.STORE) {
        ps.setNull(i, Types.BIGINT);
      } else {
        ps.setLong(i, n.route().chatId());
      }
      ps.executeUpdate();
    }
  }

  /**
   * Workers of the claimer's node whose leases ran out but whose process is provably running: they
   * were cut off from the database (an outage longer than a lease) and renew as soon as it answers,
   * so their jobs are not taken over, which would count a failure and upload the file twice at once.
   */
  private static Set<String> aliveOwnersOfExpiredLeases(Connection c, ClaimRequest r, Instant now)
      throws SQLException {
    Set<String> alive = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT lease_owner FROM upload_job"
        + " WHERE state = 'running' AND lease_until < ? AND lease_owner IS NOT NULL")) {
      ps.setLong(1, now.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String owner = rs.getString(1);
          if (WorkerId.parse(owner).map(w -> w.isAliveOn(r.worker().node())).orElse(false)) {
            alive.add(owner);
          }
        }
      }
    }
    return alive;
  }

  private Job claimOne(Connection c, ClaimRequest r, Instant now, Set<Long> skipOwners,
      Set<String> aliveOwners) throws SQLException {
    long nowMs = now.toEpochMilli();
    long agedBefore = nowMs - aging.toMillis();
    List<Object> args = new ArrayList<>();
    StringBuilder sql =
        new StringBuilder(
            // taking over an expired lease counts as a failure once the dead attempt had moved
            // bytes (its phase is recorded from the first byte on): a job that kills its worker
            // (say, an OOM kill) must end after QUEUE_RETRY_ATTEMPTS, not crash-loop for ever,
            // while a worker killed before it tried anything (waiting for a work slot or memory)
            // costs its job nothing; leases of workers provably alive are not taken over at all
            // (see aliveOwnersOfExpiredLeases)
            "UPDATE upload_job SET state = 'running', attempts = attempts + 1,"
                + " failures = failures + CASE WHEN state = 'running' AND phase IS NOT NULL"
                + " THEN 1 ELSE 0 END,"
                + " taken_over = CASE WHEN state = 'running' OR taken_over = 1 THEN 1 ELSE 0 END,"
                + " lease_owner = ?,"
                + " lease_until = ?, started_at = ?, progress_bytes = 0, phase = NULL,"
                + " version = version + 1"
                + " WHERE id = (SELECT j.id FROM upload_job j"
                // repeats the partial index's condition so SQLite can use it to walk in order
                + " WHERE j.state IN ('pending', 'running')"
                + " AND ((j.state = 'pending' AND j.next_attempt_at <= ?)"
                + " OR (j.state = 'running' AND j.lease_until < ?))"
                + " AND j.destination = ? AND (j.source_node IS NULL OR j.source_node = ?)"
                // users at their running limit, computed once per claim (running jobs are few)
                + " AND j.owner_id NOT IN (SELECT r.owner_id FROM upload_job r"
                + " WHERE r.state = 'running' AND r.lease_until >= ? GROUP BY r.owner_id"
                + " HAVING COUNT(*) >= ?)");
    args.addAll(List.of(r.worker().toString(), nowMs + lease.toMillis(), nowMs, nowMs, nowMs,
        r.destination(), r.node(), nowMs, maxRunningPerUser));
    if (r.maxSize() < Long.MAX_VALUE) {
      sql.append(" AND (j.size <= ? OR j.created_at <= ?)");
      args.add(r.maxSize());
      args.add(agedBefore);
    }
    if (!r.onlyIds().isEmpty()) {
      sql.append(" AND j.id IN (").append(placeholders(r.onlyIds().size())).append(')');
      args.addAll(r.onlyIds());
    }
    if (!aliveOwners.isEmpty()) {
      sql.append(" AND (j.state = 'pending' OR j.lease_owner NOT IN (")
          .append(placeholders(aliveOwners.size())).append("))");
      args.addAll(aliveOwners);
    }
    if (!skipOwners.isEmpty()) {
      sql.append(" AND j.owner_id NOT IN (").append(placeholders(skipOwners.size())).append(')');
      args.addAll(skipOwners);
    }
    if (r.smallFirst()) {
      // jobs past the aging limit first (oldest first), then the rest smallest first
      sql.append(" ORDER BY CASE WHEN j.created_at <= ? THEN 0 ELSE 1 END,"
          + " CASE WHEN j.created_at <= ? THEN 0 ELSE j.size END NULLS LAST, j.created_at, j.id");
      args.add(agedBefore);
      args.add(agedBefore);
    } else {
      sql.append(" ORDER BY j.created_at, j.id");
    }
    sql.append(" LIMIT 1");
    if (db.dialect() == Dialect.POSTGRESQL) {
      sql.append(" FOR UPDATE SKIP LOCKED");
    }
    sql.append(") RETURNING ").append(COLUMNS);
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      bind(ps, args.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  /** PostgreSQL: the owner's running jobs, counted under a lock on the owner's row. */
  private static int runningAfterLock(Connection c, long ownerId, Instant now)
      throws SQLException {
    try (PreparedStatement lock =
        c.prepareStatement("SELECT owner_id FROM queue_owner WHERE owner_id = ? FOR UPDATE")) {
      lock.setLong(1, ownerId);
      lock.executeQuery().close();
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT COUNT(*) FROM upload_job WHERE owner_id = ?"
            + " AND state = 'running' AND lease_until >= ?")) {
      ps.setLong(1, ownerId);
      ps.setLong(2, now.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private List<Job> query(String sql, Object... args) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        List<Job> out = new ArrayList<>();
        while (rs.next()) {
          out.add(row(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw failure("cannot read the queue", e);
    }
  }

  /** The first column of every row {@code sql} returns, as longs (an UPDATE … RETURNING too). */
  private List<Long> longs(String sql, Object... args) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        List<Long> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
        return out;
      }
    } catch (SQLException e) {
      throw failure("cannot update the queue", e);
    }
  }

  private int update(String sql, Object... args) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("cannot update the queue", e);
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case Long l -> ps.setLong(i + 1, l);
        case Integer n -> ps.setInt(i + 1, n);
        case String s -> ps.setString(i + 1, s);
        case null -> ps.setNull(i + 1, Types.VARCHAR);
        default -> throw new IllegalArgumentException("unsupported parameter: " + args[i]);
      }
    }
  }

  private static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  private static Job row(ResultSet rs) throws SQLException {
    long size = rs.getLong("size");
    boolean sizeKnown = !rs.wasNull();
    return new Job(
        rs.getLong("id"),
        rs.getLong("owner_id"),
        JobSource.of(rs.getString("source_kind"), rs.getString("source_ref"),
            rs.getString("source_node"), rs.getInt("source_owned") == 1),
        rs.getString("name"),
        sizeKnown ? size : -1,
        rs.getString("destination"),
        JobState.fromDb(rs.getString("state")),
        rs.getInt("attempts"),
        rs.getInt("failures"),
        Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
        rs.getString("last_error"),
        rs.getString("code"),
        rs.getString("lease_owner"),
        Columns.instant(rs, "lease_until"),
        rs.getLong("progress_bytes"),
        rs.getLong("version"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Columns.instant(rs, "started_at"),
        Columns.instant(rs, "finished_at"),
        rs.getString("tag"),
        rs.getString("phase"),
        rs.getInt("cancel_requested") == 1,
        route(rs.getString("route"), rs.getLong("chat_id")),
        rs.getInt("delivered") == 1,
        rs.getInt("taken_over") == 1);
  }

  private static Route route(String kind, long chatId) {
    Route.Kind k = Route.Kind.fromDb(kind);
    return k == Route.Kind.STORE ? Route.STORE : new Route(k, chatId);
  }

  private static ScoutFailure failure(String what, SQLException e) {
    return DatabaseFailure.of(what, e);
  }
}
