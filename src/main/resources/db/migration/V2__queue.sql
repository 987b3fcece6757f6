-- The durable upload queue (see docs/queue.md). Portable SQL: the same migration runs on SQLite and
-- PostgreSQL. Times are epoch milliseconds (UTC), like the catalog's.

-- Job ids come from this one row: `UPDATE ... RETURNING` takes the row lock (PostgreSQL) or the
-- database's write lock (SQLite), which also serialises submissions, so two concurrent submissions
-- of one user cannot both slip past a per-user limit.
CREATE TABLE queue_sequence (
    name        VARCHAR(32) NOT NULL PRIMARY KEY,
    last_value  BIGINT      NOT NULL
);
INSERT INTO queue_sequence (name, last_value) VALUES ('upload_job', 0);

-- One row per user who ever submitted a job. PostgreSQL claims lock it (FOR UPDATE) to re-check
-- QUEUE_MAX_RUNNING_PER_USER, so concurrent claimers in several processes cannot overshoot it.
CREATE TABLE queue_owner (
    owner_id    BIGINT NOT NULL PRIMARY KEY,
    submitted   BIGINT NOT NULL                   -- jobs this user ever submitted
);

CREATE TABLE upload_job (
    id              BIGINT       NOT NULL PRIMARY KEY,
    owner_id        BIGINT       NOT NULL,        -- Telegram user id; 0 is the local operator
    source_kind     VARCHAR(16)  NOT NULL,        -- local_file | url | telegram
    source_ref      TEXT         NOT NULL,        -- absolute path, URL, or Telegram file id
    source_node     VARCHAR(255),                 -- node holding a local file; NULL = runs anywhere
    source_owned    SMALLINT     NOT NULL,        -- 1: the job owns the (temp) file and deletes it
    name            TEXT         NOT NULL,        -- the user's original file name, never a temp name
    size            BIGINT,                       -- bytes; NULL while unknown (a URL)
    destination     VARCHAR(32)  NOT NULL,        -- storage backend: local | pentaract
    state           VARCHAR(16)  NOT NULL,        -- pending | running | completed | failed | cancelled
    attempts        INTEGER      NOT NULL,        -- times a worker started it
    failures        INTEGER      NOT NULL,        -- transient failures counted against the retry limit
    next_attempt_at BIGINT       NOT NULL,        -- a pending job is due from then on
    last_error      TEXT,                         -- the latest failure, for the user
    code            VARCHAR(6),                   -- its catalog entry (stored_file.code)
    lease_owner     VARCHAR(255),                 -- worker holding it: node/pid/start
    lease_until     BIGINT,                       -- a running job is claimable again after this
    progress_bytes  BIGINT       NOT NULL,        -- bytes sent in the current attempt (heartbeats)
    version         BIGINT       NOT NULL,        -- +1 per claim; fences a worker that lost its lease
    created_at      BIGINT       NOT NULL,        -- submission; FIFO order and aging
    started_at      BIGINT,                       -- start of the latest attempt
    finished_at     BIGINT                        -- completed, failed or cancelled
);

CREATE INDEX upload_job_due ON upload_job (state, next_attempt_at);
-- Queue order over unfinished jobs only: a claim walks it from the oldest and stops at the first
-- job it may take, however long the history of finished jobs grows.
CREATE INDEX upload_job_queue ON upload_job (created_at, id) WHERE state IN ('pending', 'running');
CREATE INDEX upload_job_owner ON upload_job (owner_id, state);
CREATE UNIQUE INDEX upload_job_code ON upload_job (code);
