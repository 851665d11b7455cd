-- The service-wide hourly cap on confirmation emails is counted in eight rows instead of one.
-- Every subscription updated the one row and held its lock until it committed, so subscriptions
-- committed one after another: on a Postgres that waits for the disk at commit, each waited for
-- the flush of the one before it, and no two were flushed together. Now a subscription counts up
-- the row of its connection (the backend's pid modulo 8) and adds all eight up. Subscriptions on
-- different rows do not see each other's uncommitted counts, so when they race at the cap it can
-- be passed by at most seven (one for each other row); a refusal still needs the cap reached by
-- committed subscriptions. Retention deletes the rows of past windows as before; the one row of
-- the hour this migration runs in is no longer read, so that hour's count starts again at zero.
-- Stores a pending alert (`p_alert`, a row of `alerts` as JSON, compiled) with its token hashes
-- and its leased confirmation email, counting the request against its limits (SPEC.md §2
-- "Subscribe", §5). Answers one row:
--   stored          the alert (new, or the pending one it refreshed) and its email are stored;
--   pending         a pending alert of the same address and criteria exists under another id:
--                   nothing was written; call again with the email composed for that id;
--   taken           the id is in use by an alert that is no longer pending: nothing was written;
--   client_limited  the client is over its limit (retry_after): nothing was written;
--   blocked         the address said "this wasn't me": only the client's request is counted;
--   address_capped  the address has had its emails for the day: likewise.
-- Past the hourly confirmation cap it raises SQLSTATE TPV01, so that nothing of it is stored.
CREATE OR REPLACE FUNCTION "subscribe_alert"(
	p_now timestamptz,
	p_lock_keys text[],
	p_client_key text, p_client_limit integer, p_client_window_ms bigint,
	p_address_key text, p_address_limit integer, p_address_window_ms bigint,
	p_hourly_key text, p_hourly_limit integer, p_hourly_window_start timestamptz,
	p_alert jsonb, p_tokens jsonb, p_message jsonb
) RETURNS TABLE ("outcome" text, "alert_id" uuid, "retry_after" integer)
LANGUAGE plpgsql AS $$
DECLARE
	v_alert "alerts" := jsonb_populate_record(null::"alerts", p_alert);
	v_key text;
	v_pending uuid;
	v_blocked boolean;
	v_retry integer;
	v_hits integer;
BEGIN
	-- Requests of one address or client wait for each other here, always in the order given
	-- (the same as `lockLimits`), and every statement after this sees what they committed.
	FOREACH v_key IN ARRAY p_lock_keys LOOP
		PERFORM pg_advisory_xact_lock(hashtextextended(v_key, 0));
	END LOOP;

	SELECT "id" INTO v_pending FROM "alerts"
		WHERE "email_hash" = v_alert."email_hash" AND "status" = 'pending'
			AND "criteria" = v_alert."criteria"
		ORDER BY "subscribed_at" LIMIT 1;
	IF v_pending IS NOT NULL AND v_pending <> v_alert."id" THEN
		RETURN QUERY SELECT 'pending', v_pending, null::integer;
		RETURN;
	END IF;
	IF v_pending IS NULL AND EXISTS (SELECT FROM "alerts" WHERE "id" = v_alert."id") THEN
		RETURN QUERY SELECT 'taken', v_alert."id", null::integer;
		RETURN;
	END IF;

	IF p_client_key IS NOT NULL THEN
		v_retry := count_rate_event(p_client_key, p_client_limit, p_client_window_ms, p_now);
		IF v_retry > 0 THEN
			RETURN QUERY SELECT 'client_limited', null::uuid, v_retry;
			RETURN;
		END IF;
	END IF;
	v_blocked := EXISTS (SELECT FROM "address_blocks"
		WHERE "email_hash" = v_alert."email_hash" AND "blocked_until" > p_now);
	IF v_blocked THEN
		RETURN QUERY SELECT 'blocked', null::uuid, null::integer;
		RETURN;
	END IF;
	IF count_rate_event(p_address_key, p_address_limit, p_address_window_ms, p_now) > 0 THEN
		RETURN QUERY SELECT 'address_capped', null::uuid, null::integer;
		RETURN;
	END IF;

	-- The alert is stored compiled; its anchors are written when it is confirmed (`anchorAlert`).
	IF v_pending IS NULL THEN
		INSERT INTO "alerts" SELECT (v_alert).*;
	ELSE
		UPDATE "alerts" SET "label" = v_alert."label", "search_url" = v_alert."search_url",
			"locale" = v_alert."locale", "frequency" = v_alert."frequency",
			"terms_version" = v_alert."terms_version", "subscribed_at" = v_alert."subscribed_at",
			"expires_at" = v_alert."expires_at", "email_ciphertext" = v_alert."email_ciphertext"
		WHERE "id" = v_pending;
	END IF;
	INSERT INTO "alert_tokens"
		SELECT * FROM jsonb_populate_recordset(null::"alert_tokens", p_tokens)
		ON CONFLICT DO NOTHING;
	INSERT INTO "messages" SELECT * FROM jsonb_populate_record(null::"messages", p_message);

	-- The service-wide counter, in shards: this connection's shard is counted up (taken last, its
	-- lock is held only for the commit), then all of them are added up.
	INSERT INTO "rate_counters" ("key", "window_start", "hits")
		VALUES (p_hourly_key || ':' || (pg_backend_pid() % 8), p_hourly_window_start, 1)
		ON CONFLICT ("key", "window_start") DO UPDATE SET "hits" = "rate_counters"."hits" + 1;
	SELECT sum("hits") INTO v_hits FROM "rate_counters"
		WHERE "key" = ANY (ARRAY(SELECT p_hourly_key || ':' || shard FROM generate_series(0, 7) shard))
			AND "window_start" = p_hourly_window_start;
	IF v_hits > p_hourly_limit THEN
		RAISE EXCEPTION 'hourly confirmation cap reached' USING ERRCODE = 'TPV01';
	END IF;
	RETURN QUERY SELECT 'stored', v_alert."id", null::integer;
END;
$$;
