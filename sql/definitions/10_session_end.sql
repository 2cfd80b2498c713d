-- Sign-out: the session the token names ends. Sign out everywhere: every session of that token's user ends (a
-- campaign step's session does not name a user for this).
CREATE OR REPLACE FUNCTION session_end(p_token TEXT, p_everywhere BOOLEAN) RETURNS INTEGER
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_hash BYTEA := sha256(convert_to(coalesce(p_token, ''), 'UTF8'));
    v_count INTEGER;
BEGIN
    IF p_everywhere THEN
        UPDATE sessions s SET ended_at = now(), end_reason = 'signed out everywhere'
        WHERE s.ended_at IS NULL
          AND s.user_id = (SELECT t.user_id FROM sessions t WHERE t.token_hash = v_hash AND t.campaign_id IS NULL AND t.ended_at IS NULL
                            AND now() < t.expires_at);
    ELSE
        UPDATE sessions s SET ended_at = now(), end_reason = 'signed out' WHERE s.token_hash = v_hash AND s.ended_at IS NULL;
    END IF;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

REVOKE ALL ON FUNCTION session_end(TEXT, BOOLEAN) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION session_end(TEXT, BOOLEAN) TO techcourse_app;
