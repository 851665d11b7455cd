ALTER TABLE "matches" DROP CONSTRAINT "matches_alert_id_alerts_id_fk";
--> statement-breakpoint
ALTER TABLE "matches" DROP CONSTRAINT "matches_posting_id_postings_id_fk";

--> statement-breakpoint
-- Matches die with their alert and their posting without foreign keys (see `matches` in
-- src/db/schema.ts): one set-based delete per statement that deletes alerts or postings, whatever
-- the path, instead of two checks on each of the many match rows inserted. Each statement in the
-- functions takes a fresh snapshot, so a delete that waited for a match batch finds its matches.
CREATE FUNCTION "delete_matches_of_deleted_alerts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM "matches" WHERE "alert_id" IN (SELECT "id" FROM "deleted_alerts");
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "alerts_delete_matches" AFTER DELETE ON "alerts"
	REFERENCING OLD TABLE AS "deleted_alerts"
	FOR EACH STATEMENT EXECUTE FUNCTION "delete_matches_of_deleted_alerts"();
--> statement-breakpoint
CREATE FUNCTION "delete_matches_of_deleted_postings"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM "matches" WHERE "posting_id" IN (SELECT "id" FROM "deleted_postings");
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "postings_delete_matches" AFTER DELETE ON "postings"
	REFERENCING OLD TABLE AS "deleted_postings"
	FOR EACH STATEMENT EXECUTE FUNCTION "delete_matches_of_deleted_postings"();
