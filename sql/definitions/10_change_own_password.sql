-- A signed-in staff member changes their own password: the session must be live, the current password's subkey right
-- (a wrong one counts as a failed sign-in from that source, under the same lock), the new hash an Identity V3 hash.
-- Every session of the user ends (the credentials trigger) and this browser gets a new one (p_new_token).
-- Outcomes: changed, invalid, locked, session_ended.
CREATE OR REPLACE FUNCTION change_own_password(p_token TEXT, p_current_subkey BYTEA, p_new_hash TEXT, p_new_token TEXT, p_source TEXT)
RETURNS TEXT
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_source TEXT := left(coalesce(nullif(btrim(p_source), ''), 'unknown'), 100);
    v_session sessions;
    v_key TEXT;
    v_valid BOOLEAN;
BEGIN
    SELECT s.* INTO v_session FROM sessions s
    WHERE s.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8')) AND s.campaign_id IS NULL AND s.ended_at IS NULL
      AND now() < s.expires_at AND now() < s.last_seen_at + s.idle_timeout;
    IF NOT FOUND THEN RETURN 'session_ended'; END IF;
    IF (identity_v3_parts(p_new_hash)).prf IS NULL THEN
        RAISE EXCEPTION 'not an Identity V3 password hash' USING ERRCODE = '23514', CONSTRAINT = 'user_credentials_hash';
    END IF;
    IF p_new_token IS NULL OR char_length(p_new_token) < 32 THEN
        RAISE EXCEPTION 'a session token has at least 32 characters' USING ERRCODE = '22023';
    END IF;
    SELECT lower(u.email) INTO v_key FROM users u WHERE u.user_id = v_session.user_id;
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sign_in'), hashtext(v_key));
    IF sign_in_locked(v_key, v_source) THEN RETURN 'locked'; END IF;
    SELECT coalesce(p.subkey = p_current_subkey, false) INTO v_valid
    FROM user_credentials c, identity_v3_parts(c.password_hash) p WHERE c.user_id = v_session.user_id;
    INSERT INTO sign_in_attempts (user_id, email_key, succeeded, remote_address) VALUES (v_session.user_id, v_key, coalesce(v_valid, false), v_source);
    IF NOT coalesce(v_valid, false) THEN RETURN 'invalid'; END IF;
    UPDATE user_credentials SET password_hash = p_new_hash, updated_at = now() WHERE user_id = v_session.user_id;
    INSERT INTO sessions (token_hash, user_id, role, source, idle_timeout, expires_at)
    VALUES (sha256(convert_to(p_new_token, 'UTF8')), v_session.user_id, v_session.role, v_source, v_session.idle_timeout, v_session.expires_at);
    RETURN 'changed';
END;
$$;

REVOKE ALL ON FUNCTION change_own_password(TEXT, BYTEA, TEXT, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION change_own_password(TEXT, BYTEA, TEXT, TEXT, TEXT) TO techcourse_app;
