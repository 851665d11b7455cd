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
-- them, whatever path writes them. Most anchors are on terms already in the set: those write and
-- lock nothing. Otherwise the lock below is taken first and held until the commit, so that
-- versions are numbered and become visible in the same order: a reader that sees version n sees
-- every term of version n or less. Taken before the terms are written, it also keeps a writer
-- from holding it while waiting for a term another writer is adding.
CREATE FUNCTION "add_anchor_terms"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	v_version bigint;
BEGIN
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
