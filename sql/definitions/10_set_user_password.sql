-- An admin gives a staff account a password (a new one, or a reset): the app hashes a generated password and shows
-- it once; the database stores the hash and clears the failed attempts, so a locked-out account can sign in again.
CREATE OR REPLACE FUNCTION set_user_password(p_user UUID, p_password_hash TEXT) RETURNS UUID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM require_admin();
    IF NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_user AND anonymised_at IS NULL FOR UPDATE) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '23503', CONSTRAINT = 'users_not_found';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_user AND role IN ('Admin', 'Instructor', 'Accounting')) THEN
        RAISE EXCEPTION 'only staff sign in' USING ERRCODE = '23514', CONSTRAINT = 'users_password_staff_only';
    END IF;
    IF coalesce(btrim(p_password_hash), '') = '' THEN
        RAISE EXCEPTION 'empty password hash' USING ERRCODE = '23514', CONSTRAINT = 'user_credentials_hash';
    END IF;
    INSERT INTO user_credentials (user_id, password_hash) VALUES (p_user, p_password_hash)
    ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now();
    DELETE FROM sign_in_attempts WHERE user_id = p_user;
    RETURN p_user;
END;
$$;

REVOKE ALL ON FUNCTION set_user_password(UUID, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION set_user_password(UUID, TEXT) TO techcourse_app;
