-- The sign-in session a token names (never a campaign step's), if it is live: not ended, before its absolute expiry, and seen within its idle timeout.
-- Seeing it moves last_seen_at, at most once per p_touch_after, so the idle timeout holds without a write per request.
CREATE OR REPLACE FUNCTION session_check(p_token TEXT, p_touch_after INTERVAL)
RETURNS TABLE (user_id UUID, role TEXT)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_hash BYTEA := sha256(convert_to(coalesce(p_token, ''), 'UTF8'));
    v_user UUID;
    v_role TEXT;
    v_seen TIMESTAMPTZ;
BEGIN
    SELECT s.user_id, s.role, s.last_seen_at INTO v_user, v_role, v_seen FROM sessions s
    WHERE s.token_hash = v_hash AND s.campaign_id IS NULL AND s.ended_at IS NULL AND now() < s.expires_at
      AND now() < s.last_seen_at + s.idle_timeout;
    IF NOT FOUND THEN RETURN; END IF;
    IF v_seen < now() - p_touch_after THEN
        UPDATE sessions s SET last_seen_at = now() WHERE s.token_hash = v_hash;
    END IF;
    RETURN QUERY SELECT v_user, v_role;
END;
$$;

REVOKE ALL ON FUNCTION session_check(TEXT, INTERVAL) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION session_check(TEXT, INTERVAL) TO techcourse_app;
