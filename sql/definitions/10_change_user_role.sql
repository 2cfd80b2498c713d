-- Changes a user's role; the last admin stays an admin and an instructor with courses stays an instructor.
CREATE OR REPLACE FUNCTION change_user_role(p_user UUID, p_role TEXT) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM require_admin();
    IF NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_user AND anonymised_at IS NULL FOR UPDATE) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '23503', CONSTRAINT = 'users_not_found';
    END IF;
    IF p_role IS DISTINCT FROM 'Admin' THEN PERFORM ensure_not_last_admin(p_user); END IF;
    IF p_role IS DISTINCT FROM 'Instructor' THEN PERFORM ensure_no_courses(p_user); END IF;
    UPDATE users SET role = p_role WHERE user_id = p_user;
END;
$$;

REVOKE ALL ON FUNCTION change_user_role(UUID, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION change_user_role(UUID, TEXT) TO techcourse_app;
