-- The outbox transport's files hold an email's address, subject and links in plain text. When an
-- alert is deleted (cancelled, expired, bounced, "this wasn't me"), its sent emails' rows went
-- with it but their files stayed for the week the outbox keeps them (SPEC.md §1.3: a cancel
-- deletes everything stored for the alert at once). The trigger that deletes an alert's
-- dependents now records the provider ids of the handed-over emails it deletes, and the service
-- has the transport forget them (`forgetDeletedEmails`: right after a cancel, and in the
-- retention run). A manage-links email lists several alerts: it goes, whatever its status, with
-- any of them, so its ids are kept while its row is (0012 had cleared them once handed over).
CREATE TABLE "forgotten_emails" (
	"provider_id" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "delete_dependents_of_deleted_alerts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM "alert_tokens" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	DELETE FROM "alert_anchors" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	WITH "gone" AS (
		DELETE FROM "messages" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts")
		RETURNING "provider_id"
	)
	INSERT INTO "forgotten_emails" ("provider_id")
	SELECT "provider_id" FROM "gone" WHERE "provider_id" IS NOT NULL
	ON CONFLICT DO NOTHING;
	WITH "gone" AS (
		DELETE FROM "messages"
		WHERE "listed_alert_ids" IS NOT NULL
			AND "listed_alert_ids" && ARRAY(SELECT "id" FROM "deleted_alerts")
		RETURNING "provider_id"
	)
	INSERT INTO "forgotten_emails" ("provider_id")
	SELECT "provider_id" FROM "gone" WHERE "provider_id" IS NOT NULL
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END;
$$;
