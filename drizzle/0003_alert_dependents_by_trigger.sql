ALTER TABLE "alert_anchors" DROP CONSTRAINT "alert_anchors_alert_id_alerts_id_fk";
--> statement-breakpoint
ALTER TABLE "alert_tokens" DROP CONSTRAINT "alert_tokens_alert_id_alerts_id_fk";
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_alert_id_alerts_id_fk";

--> statement-breakpoint
-- An alert's token hashes, anchors and messages die with it without foreign keys, like its
-- matches (0002): one set-based delete per statement that deletes alerts, whatever the path,
-- instead of a cascade trigger per deleted alert and child table. The retention job deletes a
-- million expired alerts; per-row cascades made that most of its time. Nothing can add a
-- dependent to an alert being deleted: tokens and anchors are written in the transaction that
-- creates the alert, messages in one that holds the alert's row lock.
CREATE FUNCTION "delete_dependents_of_deleted_alerts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM "alert_tokens" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	DELETE FROM "alert_anchors" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	DELETE FROM "messages" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "alerts_delete_dependents" AFTER DELETE ON "alerts"
	REFERENCING OLD TABLE AS "deleted_alerts"
	FOR EACH STATEMENT EXECUTE FUNCTION "delete_dependents_of_deleted_alerts"();
