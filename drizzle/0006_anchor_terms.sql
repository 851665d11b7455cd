CREATE SEQUENCE "public"."anchor_terms_version_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "anchor_terms" (
	"term" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "anchor_terms_version" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "anchor_terms_version_one_row" CHECK ("anchor_terms_version"."id" = 1)
);
--> statement-breakpoint
CREATE INDEX "anchor_terms_version_idx" ON "anchor_terms" USING btree ("version");--> statement-breakpoint
-- The set of anchor terms (`anchor_terms`, see src/db/schema.ts) starts as the terms anchored so
-- far, as one version.
INSERT INTO "anchor_terms_version" ("id", "version") VALUES (1, nextval('anchor_terms_version_seq'));
--> statement-breakpoint
INSERT INTO "anchor_terms" ("term", "version")
	SELECT DISTINCT "term", (SELECT "version" FROM "anchor_terms_version") FROM "alert_anchors";
--> statement-breakpoint
-- Adds the terms of new anchors to the set, as its next version, in the transaction that writes
-- them, whatever path writes them. The terms already in the set are locked against removal
-- (`remove_unanchored_terms`) until the commit; if none is new, that is all. Otherwise the set's
-- lock is taken and held until the commit, so that versions are numbered and become visible in
-- the same order: a reader that sees version n sees every term of version n or less. Taken
-- before the terms are written, it also keeps a writer from holding it while waiting for a term
-- another writer is adding.
CREATE FUNCTION "add_anchor_terms"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	v_version bigint;
BEGIN
	PERFORM FROM "anchor_terms" WHERE "term" IN (SELECT "term" FROM "new_anchors") FOR KEY SHARE;
	-- A term removed while this waited for its lock is missing now, and added again below.
	IF NOT EXISTS (SELECT FROM "new_anchors" n
			WHERE NOT EXISTS (SELECT FROM "anchor_terms" t WHERE t."term" = n."term")) THEN
		RETURN NULL;
	END IF;
	PERFORM pg_advisory_xact_lock(hashtextextended('anchor_terms', 0));
	-- Version 0 until the version is known; no committed row keeps it.
	INSERT INTO "anchor_terms" ("term", "version")
		SELECT DISTINCT "term", 0 FROM "new_anchors"
		ON CONFLICT DO NOTHING;
	IF FOUND THEN
		v_version := nextval('anchor_terms_version_seq');
		INSERT INTO "anchor_terms_version" ("id", "version") VALUES (1, v_version)
			ON CONFLICT ("id") DO UPDATE SET "version" = excluded."version";
		UPDATE "anchor_terms" SET "version" = v_version WHERE "version" = 0;
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "alert_anchors_add_terms" AFTER INSERT ON "alert_anchors"
	REFERENCING NEW TABLE AS "new_anchors"
	FOR EACH STATEMENT EXECUTE FUNCTION "add_anchor_terms"();
--> statement-breakpoint
-- Removes from the set the terms of `p_terms` (all, when null) that no anchor is on any more: a
-- term comes from an alert's criteria, and goes with the last alert anchored on it (SPEC.md §1).
-- First the candidates are locked, skipping those a writer of anchors holds (see above); then,
-- in a statement of its own, so in a snapshot taken after those locks, the ones still without
-- an anchor are deleted. A writer that waits for such a lock finds its term gone and adds it
-- again. Answers how many terms were removed.
CREATE FUNCTION "remove_unanchored_terms"(p_terms text[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	v_locked text[];
	v_removed integer;
BEGIN
	SELECT array_agg("term") INTO v_locked FROM (
		SELECT t."term" FROM "anchor_terms" t
		WHERE (p_terms IS NULL OR t."term" = ANY (p_terms))
			AND NOT EXISTS (SELECT FROM "alert_anchors" a WHERE a."term" = t."term")
		FOR UPDATE OF t SKIP LOCKED
	) AS "candidates";
	IF v_locked IS NULL THEN
		RETURN 0;
	END IF;
	DELETE FROM "anchor_terms" t WHERE t."term" = ANY (v_locked)
		AND NOT EXISTS (SELECT FROM "alert_anchors" a WHERE a."term" = t."term");
	GET DIAGNOSTICS v_removed = ROW_COUNT;
	RETURN v_removed;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION "remove_terms_of_deleted_anchors"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM remove_unanchored_terms(array(SELECT DISTINCT "term" FROM "old_anchors"));
	RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Two transactions deleting the last two alerts on a term both still see the other's anchor:
-- the retention job removes such terms later (src/retention/retention.ts).
CREATE TRIGGER "alert_anchors_remove_terms" AFTER DELETE ON "alert_anchors"
	REFERENCING OLD TABLE AS "old_anchors"
	FOR EACH STATEMENT EXECUTE FUNCTION "remove_terms_of_deleted_anchors"();
