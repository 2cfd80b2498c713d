-- Canonical content of a price change: a JSON array (escaping done by jsonb), the time as exact epoch seconds
-- (independent of the session's TimeZone/DateStyle). Shared by sealing and verification so both hash the same bytes;
-- the bulk loader's PriceChangeSeal computes the same bytes. An entry a campaign made has its campaign_id as a ninth
-- element; an entry without one hashes exactly as before the column existed, so the chain sealed until then verifies
-- unchanged, and removing, adding or changing a campaign id is caught like any other edit.
CREATE OR REPLACE FUNCTION price_change_hash(p_prev BYTEA, p_log_id INT, p_course_id INT, p_old NUMERIC, p_new NUMERIC,
                                             p_changed_at TIMESTAMPTZ, p_changed_by UUID, p_source TEXT, p_reason TEXT,
                                             p_campaign_id INT)
RETURNS BYTEA LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(p_prev || convert_to(CASE WHEN p_campaign_id IS NULL
        THEN jsonb_build_array(p_log_id, p_course_id, p_old, p_new, extract(epoch FROM p_changed_at), p_changed_by, p_source, p_reason)
        ELSE jsonb_build_array(p_log_id, p_course_id, p_old, p_new, extract(epoch FROM p_changed_at), p_changed_by, p_source, p_reason,
                               p_campaign_id) END::text, 'UTF8'))
$$;

-- The content of an entry without a campaign (what every entry was before campaigns came).
CREATE OR REPLACE FUNCTION price_change_hash(p_prev BYTEA, p_log_id INT, p_course_id INT, p_old NUMERIC, p_new NUMERIC,
                                             p_changed_at TIMESTAMPTZ, p_changed_by UUID, p_source TEXT, p_reason TEXT)
RETURNS BYTEA LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT price_change_hash(p_prev, p_log_id, p_course_id, p_old, p_new, p_changed_at, p_changed_by, p_source, p_reason, NULL)
$$;
