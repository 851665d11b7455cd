-- The matcher reads, for every term of a batch, the alerts anchored on it and their filters
-- (src/matching/matcher.ts, `findCandidates`): a quarter of a million rows a batch at a million
-- alerts. With the filter kept in the primary key's index as well, Postgres answers from the index
-- alone, reading a term's rows side by side instead of one heap page each: the lookup took half
-- the time (README "Performance"). Index-only scans need pages marked all-visible, which
-- autovacuum does for a table that is mostly inserted into.
ALTER TABLE "alert_anchors" DROP CONSTRAINT "alert_anchors_term_alert_id_pk";
--> statement-breakpoint
ALTER TABLE "alert_anchors" ADD CONSTRAINT "alert_anchors_term_alert_id_pk"
	PRIMARY KEY ("term", "alert_id") INCLUDE ("filter");
