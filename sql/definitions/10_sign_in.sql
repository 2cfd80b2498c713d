-- One sign-in, atomically: the attempts of this email are taken one at a time (a transaction-level lock on the email),
-- the lock checked (sign_in_locked), the subkey compared, the attempt recorded and, on success, the session created.
-- Outcomes: signed_in, invalid, locked, not_staff.
CREATE OR REPLACE FUNCTION sign_in(p_email TEXT, p_subkey BYTEA, p_source TEXT, p_token TEXT, p_idle INTERVAL, p_absolute INTERVAL)
RETURNS TABLE (outcome TEXT, user_id UUID, email TEXT, role TEXT)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_key TEXT := sign_in_email_key(p_email);
    v_source TEXT := left(coalesce(nullif(btrim(p_source), ''), 'unknown'), 100);
    v_user UUID;
    v_email TEXT;
    v_role TEXT;
    v_subkey BYTEA;
    v_valid BOOLEAN;
BEGIN
    IF v_key = '' OR char_length(v_key) > 150 THEN
        RETURN QUERY SELECT 'invalid', NULL::UUID, NULL::TEXT, NULL::TEXT;
        RETURN;
    END IF;
    IF p_token IS NULL OR char_length(p_token) < 32 THEN
        RAISE EXCEPTION 'a session token has at least 32 characters' USING ERRCODE = '22023';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sign_in'), hashtext(v_key));

    IF sign_in_locked(v_key, v_source) THEN
        RETURN QUERY SELECT 'locked', NULL::UUID, NULL::TEXT, NULL::TEXT;
        RETURN;
    END IF;

    SELECT u.user_id, u.email, u.role, p.subkey INTO v_user, v_email, v_role, v_subkey
    FROM users u LEFT JOIN user_credentials c ON c.user_id = u.user_id LEFT JOIN LATERAL identity_v3_parts(c.password_hash) p ON true
    WHERE lower(u.email) = v_key AND u.anonymised_at IS NULL;
    v_valid := v_subkey IS NOT NULL AND p_subkey IS NOT NULL AND v_subkey = p_subkey;
    INSERT INTO sign_in_attempts (user_id, email_key, succeeded, remote_address) VALUES (v_user, v_key, v_valid, v_source);

    IF NOT v_valid THEN
        RETURN QUERY SELECT 'invalid', NULL::UUID, NULL::TEXT, NULL::TEXT;
        RETURN;
    END IF;
    IF v_role NOT IN ('Admin', 'Instructor', 'Accounting') THEN
        RETURN QUERY SELECT 'not_staff', NULL::UUID, NULL::TEXT, NULL::TEXT;
        RETURN;
    END IF;
    DELETE FROM sessions s WHERE s.user_id = v_user AND least(s.ended_at, s.expires_at) < now() - INTERVAL '30 days';
    INSERT INTO sessions (token_hash, user_id, role, source, idle_timeout, expires_at)
    VALUES (sha256(convert_to(p_token, 'UTF8')), v_user, v_role, v_source, p_idle, now() + p_absolute);
    RETURN QUERY SELECT 'signed_in', v_user, v_email, v_role;
END;
$$;

REVOKE ALL ON FUNCTION sign_in(TEXT, BYTEA, TEXT, TEXT, INTERVAL, INTERVAL) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sign_in(TEXT, BYTEA, TEXT, TEXT, INTERVAL, INTERVAL) TO techcourse_app;
