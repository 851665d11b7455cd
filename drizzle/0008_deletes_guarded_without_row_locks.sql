-- A batch of matches no longer key-share-locks every candidate alert it reads. That lock, taken so
-- that a concurrent delete of an alert would wait for the batch and then find its matches, wrote
-- every candidate's row: at a million alerts 54,000 rows a batch, the first write to each page
-- after a checkpoint a full page in the WAL (70,551 pages and 709 MB of WAL for 6,000 postings
-- matched after a checkpoint, against 153 MB without the lock), and it kept an unsubscribe
-- waiting for as long as a batch takes. Deletes and batches now meet at one advisory lock
-- instead, and a batch checks at its end whether any alert was deleted while it ran:
--
-- - Every statement that deletes alerts takes the lock shared in its trigger, counts itself in
--   the sequence `alert_deletions` and deletes the alerts' matches, holding the lock until it
--   commits. Deleters never wait for each other.
-- - A batch reads the count before it reads any alert, holding the lock exclusively for that
--   moment (`alert_deletions_seen`), so that every delete counted by then has committed and is
--   seen by the batch's reads.
-- - At its end (`forget_matches_of_deleted_alerts`) the batch takes the lock exclusively until it
--   commits, and when the count moved, deletes the matches it recorded for alerts gone since.
--   A delete whose trigger comes later waits for the batch's commit, then finds its matches, as
--   each statement of a trigger function takes a fresh snapshot.
--
-- Matching needs READ COMMITTED for that last step, as deleting dependents by trigger already does.
CREATE SEQUENCE "alert_deletions" AS bigint;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "delete_matches_of_deleted_alerts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock_shared(3802, 1);
	PERFORM nextval('alert_deletions');
	DELETE FROM "matches" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION "alert_deletions_seen"() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_seen bigint;
BEGIN
	-- A lock of the session, as a lock of the transaction would keep deletes waiting until the
	-- batch commits; released on every way out.
	PERFORM pg_advisory_lock(3802, 1);
	BEGIN
		SELECT CASE WHEN is_called THEN last_value ELSE 0 END INTO v_seen FROM "alert_deletions";
	EXCEPTION WHEN OTHERS OR query_canceled THEN
		PERFORM pg_advisory_unlock(3802, 1);
		RAISE;
	END;
	PERFORM pg_advisory_unlock(3802, 1);
	RETURN v_seen;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION "forget_matches_of_deleted_alerts"(p_seen bigint, p_postings text[], p_matched_at timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	v_forgotten integer;
BEGIN
	PERFORM pg_advisory_xact_lock(3802, 1);
	IF (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM "alert_deletions") = p_seen THEN
		RETURN 0;
	END IF;
	DELETE FROM "matches" AS m
		WHERE m."posting_id" = ANY(p_postings) AND m."matched_at" = p_matched_at
			AND NOT EXISTS (SELECT 1 FROM "alerts" AS a WHERE a."id" = m."alert_id");
	GET DIAGNOSTICS v_forgotten = ROW_COUNT;
	RETURN v_forgotten;
END;
$$;
