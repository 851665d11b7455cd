-- Key rotation. An alert and a "this wasn't me" block record which EMAIL_HASH_KEY key their hash is
-- under (its id, the first 8 hex digits of the key's SHA-256), so that the `rekey` job finds the
-- rows still hashed under an old key and says how many are left. Rows stored before this migration
-- have none; the job tells their key by hashing the address again.
ALTER TABLE "address_blocks" ADD COLUMN "email_hash_key" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "email_hash_key" text;--> statement-breakpoint
-- `subscribe_alert` (0004, 0009) takes the address's hashes under the older keys of EMAIL_HASH_KEY
-- too (`p_older_hashes`, empty with one key), so that a pending alert or a block made before a
-- rotation is still found; a pending alert it refreshes takes the current key's hash. The argument
-- list changes, so the function of 0009 is dropped and made again; otherwise as in 0009.
DROP FUNCTION "subscribe_alert"(timestamptz, text[], text, integer, bigint, text, integer, bigint,
	text, integer, timestamptz, jsonb, jsonb, jsonb);--> statement-breakpoint
CREATE FUNCTION "subscribe_alert"(
	p_now timestamptz,
	p_lock_keys text[],
	p_client_key text, p_client_limit integer, p_client_window_ms bigint,
	p_address_key text, p_address_limit integer, p_address_window_ms bigint,
	p_hourly_key text, p_hourly_limit integer, p_hourly_window_start timestamptz,
	p_alert jsonb, p_tokens jsonb, p_message jsonb,
	p_older_hashes text[]
) RETURNS TABLE ("outcome" text, "alert_id" uuid, "retry_after" integer)
LANGUAGE plpgsql AS $$
DECLARE
	v_alert "alerts" := jsonb_populate_record(null::"alerts", p_alert);
	v_hashes text[] := array_prepend(v_alert."email_hash", p_older_hashes);
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
		WHERE "email_hash" = ANY (v_hashes) AND "status" = 'pending'
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
		WHERE "email_hash" = ANY (v_hashes) AND "blocked_until" > p_now);
	IF v_blocked THEN
		RETURN QUERY SELECT 'blocked', null::uuid, null::integer;
		RETURN;
	END IF;
	IF count_rate_event(p_address_key, p_address_limit, p_address_window_ms, p_now) > 0 THEN
		RETURN QUERY SELECT 'address_capped', null::uuid, null::integer;
		RETURN;
	END IF;

	-- The alert is stored compiled; its anchors are written when it is confirmed (`anchorAlert`).
	-- Its tokens below are under the current hash key, as its hash is.
	IF v_pending IS NULL THEN
		INSERT INTO "alerts" SELECT (v_alert).*;
	ELSE
		UPDATE "alerts" SET "label" = v_alert."label", "search_url" = v_alert."search_url",
			"locale" = v_alert."locale", "frequency" = v_alert."frequency",
			"terms_version" = v_alert."terms_version", "subscribed_at" = v_alert."subscribed_at",
			"expires_at" = v_alert."expires_at", "email_ciphertext" = v_alert."email_ciphertext",
			"email_hash" = v_alert."email_hash", "email_hash_key" = v_alert."email_hash_key"
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
