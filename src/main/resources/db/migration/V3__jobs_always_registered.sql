-- Since this version a job and its catalog entry are inserted in one transaction, so every job has
-- a code. Earlier versions inserted the job first and registered it afterwards; a submission that
-- failed or died in between left an unfinished job without a code, which a later process then
-- registered and ran under a code its user never saw. Such leftovers are cancelled instead: their
-- users were told the submission failed (or never told anything), and their temp copies, no longer
-- owned by a live job, go at the next sweep.
UPDATE upload_job
   SET state = 'cancelled',
       finished_at = created_at,
       lease_owner = NULL,
       lease_until = NULL,
       last_error = 'never registered: the submission failed before the file got its code; submit the file again'
 WHERE code IS NULL AND state IN ('pending', 'running');
