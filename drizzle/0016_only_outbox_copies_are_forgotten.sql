-- Migration 0014 recorded the provider id of every handed-over email deleted with its alert, so
-- that the transport could forget its copy. Only the outbox folder keeps one (a file named by
-- the id, `<milliseconds>-<key>`, src/delivery/outbox-folder.ts); Resend's ids (UUIDs) were
-- recorded only to be dropped again, two rows written and deleted for each alert's sent emails,
-- which took the retention of a million expired alerts from 56 to 125 s. Only ids of the outbox
-- folder's shape are recorded now, and those recorded before are dropped.
CREATE OR REPLACE FUNCTION "delete_dependents_of_deleted_alerts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM "alert_tokens" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	DELETE FROM "alert_anchors" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	WITH "gone" AS (
		DELETE FROM "messages" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts")
		RETURNING "provider_id"
	)
	INSERT INTO "forgotten_emails" ("provider_id")
	SELECT "provider_id" FROM "gone" WHERE "provider_id" ~ '^[0-9]{13}-'
	ON CONFLICT DO NOTHING;
	WITH "gone" AS (
		DELETE FROM "messages"
		WHERE "listed_alert_ids" IS NOT NULL
			AND "listed_alert_ids" && ARRAY(SELECT "id" FROM "deleted_alerts")
		RETURNING "provider_id"
	)
	INSERT INTO "forgotten_emails" ("provider_id")
	SELECT "provider_id" FROM "gone" WHERE "provider_id" ~ '^[0-9]{13}-'
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
DELETE FROM "forgotten_emails" WHERE "provider_id" !~ '^[0-9]{13}-';
