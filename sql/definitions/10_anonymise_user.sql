-- Removes what identifies a person and their sign-in, and keeps their enrollments and amounts (revenue history).
CREATE OR REPLACE FUNCTION anonymise_user(p_user UUID) RETURNS TEXT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_placeholder TEXT := 'removed-' || replace(p_user::text, '-', '') || '@anonymised.invalid';
BEGIN
    PERFORM require_admin();
    IF p_user = app_user_id() THEN
        RAISE EXCEPTION 'you cannot remove yourself' USING ERRCODE = '23514', CONSTRAINT = 'users_remove_self';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_user AND anonymised_at IS NULL FOR UPDATE) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '23503', CONSTRAINT = 'users_not_found';
    END IF;
    PERFORM ensure_not_last_admin(p_user);
    PERFORM ensure_no_courses(p_user);
    UPDATE users SET email = v_placeholder, anonymised_at = NOW() WHERE user_id = p_user;
    DELETE FROM user_credentials WHERE user_id = p_user;
    DELETE FROM sign_in_attempts WHERE user_id = p_user;
    RETURN v_placeholder;
END;
$$;

REVOKE ALL ON FUNCTION anonymise_user(UUID) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anonymise_user(UUID) TO techcourse_app;
