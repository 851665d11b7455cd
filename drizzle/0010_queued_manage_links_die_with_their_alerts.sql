-- A queued manage-links email holds the labels and links of every alert of its address, but it
-- names no alert (`alert_id` is null), so it outlived a cancelled alert: while the provider was
-- down, the alert was deleted and the email listing it went out later all the same (SPEC.md §1.3:
-- a cancel deletes the alert and everything stored for it at once). It now lists the ids of its
-- alerts, and the statement trigger that deletes an alert's dependents deletes such an email while
-- it is queued (once sent or failed its payload is gone). The partial index keeps that a lookup
-- among the few manage-links emails, for the retention job's batches of thousands of alerts too.
ALTER TABLE "messages" ADD COLUMN "listed_alert_ids" uuid[];--> statement-breakpoint
CREATE INDEX "messages_listed_alert_ids_idx" ON "messages" USING btree ("status") WHERE "messages"."listed_alert_ids" is not null;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "delete_dependents_of_deleted_alerts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM "alert_tokens" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	DELETE FROM "alert_anchors" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	DELETE FROM "messages" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	DELETE FROM "messages"
	WHERE "listed_alert_ids" IS NOT NULL AND "status" = 'queued'
		AND "listed_alert_ids" && ARRAY(SELECT "id" FROM "deleted_alerts");
	RETURN NULL;
END;
$$;
