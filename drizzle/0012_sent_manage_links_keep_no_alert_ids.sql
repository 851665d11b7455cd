-- A manage-links email lists the ids of its alerts so that deleting one of them deletes the email
-- while it is queued (0010). Once sent or failed the email is gone from the row, and the ids serve
-- nothing; yet they stayed for the week a handed-over row is kept, so a cancelled alert left its
-- id behind (SPEC.md §1.3: a cancel deletes everything stored for the alert at once). The outbox
-- now clears them when it records the outcome; this clears those recorded before.
UPDATE "messages" SET "listed_alert_ids" = NULL
WHERE "status" <> 'queued' AND "listed_alert_ids" IS NOT NULL;
