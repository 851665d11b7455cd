-- A batch of matches no longer key-share-locks every candidate alert it reads. That lock, taken so
-- that a concurrent delete of an alert would wait for the batch and then find its matches, wrote
-- every candidate's row: at a million alerts 54,000 rows a batch, the first write to each page
-- after a checkpoint a full page in the WAL (70,551 pages and 709 MB of WAL for 6,000 postings
-- matched after a checkpoint, against 153 MB without the lock), and it kept an unsubscribe
-- waiting for as long as a batch takes. Deletes and batches now meet at one advisory lock
-- instead, and a batch checks at its end which alerts could have been deleted while it ran:
--
-- - Every statement that deletes alerts takes the lock shared in its trigger, draws a number
--   from the sequence `alert_deletions`, marks with it the buckets of the deleted alerts (the
--   first three hex digits of an id: 4,096 buckets, none of which names an alert) and deletes
--   their matches, holding the lock until it commits. Deleters never wait for each other's lock.
-- - A batch reads the last number drawn before it reads any alert, holding the lock exclusively
--   for that moment (`alert_deletions_seen`), so that every delete numbered by then has
--   committed and is seen by the batch's reads.
-- - At its end the batch takes the lock exclusively until it commits and reads the buckets
--   marked since (`alert_buckets_deleted_since`); it deletes its matches of the alerts in those
--   buckets that are gone. A delete whose trigger comes later waits for the batch's commit, then
--   finds its matches, as each statement of a trigger function takes a fresh snapshot.
--
-- Matching needs READ COMMITTED for that last step, as deleting dependents by trigger already does.
CREATE SEQUENCE "public"."alert_deletions" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "alert_deletion_buckets" (
	"bucket" text PRIMARY KEY NOT NULL,
	"deletion" bigint NOT NULL
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "delete_matches_of_deleted_alerts"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	v_deletion bigint;
BEGIN
	PERFORM pg_advisory_xact_lock_shared(3802, 1);
	v_deletion := nextval('alert_deletions');
	INSERT INTO "alert_deletion_buckets" ("bucket", "deletion")
		SELECT DISTINCT left("id"::text, 3), v_deletion FROM "deleted_alerts"
		ON CONFLICT ("bucket") DO UPDATE
			SET "deletion" = greatest("alert_deletion_buckets"."deletion", excluded."deletion");
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
CREATE FUNCTION "alert_buckets_deleted_since"(p_seen bigint) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(3802, 1);
	RETURN QUERY SELECT "bucket" FROM "alert_deletion_buckets" WHERE "deletion" > p_seen;
END;
$$;
