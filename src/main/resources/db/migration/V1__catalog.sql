-- The catalog of stored files. Portable SQL: the same migration runs on SQLite and PostgreSQL.
-- Times are epoch milliseconds (UTC) so that both databases compare them the same way.
CREATE TABLE stored_file (
    code          VARCHAR(6)  NOT NULL PRIMARY KEY,  -- [A-Z0-9]{6}, unique across all users
    owner_id      BIGINT      NOT NULL,              -- Telegram user id; 0 is the local operator
    name          TEXT        NOT NULL,              -- the user's original file name
    size          BIGINT      NOT NULL,
    sha256        VARCHAR(64),                       -- known once stored
    mime_type     TEXT        NOT NULL,
    backend       VARCHAR(32) NOT NULL,              -- local | pentaract
    remote_path   TEXT,                              -- the backend's location, once stored
    segments      INTEGER     NOT NULL DEFAULT 0,    -- data objects behind remote_path
    status        VARCHAR(16) NOT NULL,              -- pending | uploading | completed | failed | deleted
    error         TEXT,                              -- why it failed, for the user
    created_at    BIGINT      NOT NULL,              -- when the user asked
    started_at    BIGINT,                            -- when bytes started to move
    completed_at  BIGINT                             -- when it was stored (or failed)
);

CREATE INDEX stored_file_owner ON stored_file (owner_id, status, created_at);
