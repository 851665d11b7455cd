-- Counting one event against a sliding window no longer deletes the key's lapsed events first:
-- the count reads only the window (the index on ("key", "at") starts at its beginning), and the
-- hourly retention job deletes every event older than the longest window, 24 hours
-- (src/retention/retention.ts). The delete was 8 % of `subscribe_alert`'s time in Postgres, run
-- twice for each subscription (bench:http with pg_stat_statements).
CREATE OR REPLACE FUNCTION "count_rate_event"(p_key text, p_limit integer, p_window_ms bigint, p_now timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	v_window interval := make_interval(secs => p_window_ms / 1000.0);
	v_events integer;
	v_oldest timestamptz;
BEGIN
	SELECT count(*)::integer, min("at") INTO v_events, v_oldest
		FROM "rate_events" WHERE "key" = p_key AND "at" > p_now - v_window;
	IF v_events < p_limit THEN
		INSERT INTO "rate_events" ("key", "at") VALUES (p_key, p_now);
		RETURN 0;
	END IF;
	RETURN greatest(1, ceil(extract(epoch FROM coalesce(v_oldest, p_now) + v_window - p_now)))::integer;
END;
$$;
