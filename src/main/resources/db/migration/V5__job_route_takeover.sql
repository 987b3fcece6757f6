-- Where a fetched file goes, and what the storage says after a crash.
-- route:      store (always stored) | chat (sent in the chat when Telegram takes it, else stored) |
--             auto (sent in the chat when at most PENTARACT_UPLOAD_THRESHOLD, else stored)
-- chat_id:    the Telegram chat a chat or auto job answers in; NULL for store
-- delivered:  1 when a completed job's file was sent in the chat instead of being stored
-- taken_over: 1 when the claim took the job from a worker whose lease ran out: the runner asks the
--             storage whether that worker's upload finished before doing anything else
ALTER TABLE upload_job ADD COLUMN route VARCHAR(8) NOT NULL DEFAULT 'store';
ALTER TABLE upload_job ADD COLUMN chat_id BIGINT;
ALTER TABLE upload_job ADD COLUMN delivered SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE upload_job ADD COLUMN taken_over SMALLINT NOT NULL DEFAULT 0;

-- What each user asked the bot to do with fetched files (/mode auto|storage|chat); users without a
-- row get auto.
CREATE TABLE user_pref (
    owner_id    BIGINT      NOT NULL PRIMARY KEY,
    route       VARCHAR(8)  NOT NULL,   -- store | chat | auto
    updated_at  BIGINT      NOT NULL
);
