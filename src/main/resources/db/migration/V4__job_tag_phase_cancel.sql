-- Front ends follow jobs across restarts and may cancel running ones.
-- tag:              a front end's tag for the job (e.g. the chat message showing its progress),
--                   returned with every view and event of the job; the core never reads it
-- phase:            what a running job is doing (fetching | storing), with progress_bytes
-- cancel_requested: 1 once its owner asked to cancel it while it ran; the worker stops at its next
--                   heartbeat and settles it cancelled (a new claim does the same at once)
ALTER TABLE upload_job ADD COLUMN tag TEXT;
ALTER TABLE upload_job ADD COLUMN phase VARCHAR(16);
ALTER TABLE upload_job ADD COLUMN cancel_requested SMALLINT NOT NULL DEFAULT 0;
