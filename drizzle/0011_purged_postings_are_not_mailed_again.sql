-- The ids of the postings the retention job deletes (with their matches), so that a posting the
-- pipeline sends again afterwards is not matched and mailed a second time to an alert that had it
-- (SPEC.md §2: a posting is mailed to an alert at most once, ever).
CREATE TABLE "purged_postings" (
	"id" text PRIMARY KEY NOT NULL,
	"purged_at" timestamp with time zone NOT NULL
);
