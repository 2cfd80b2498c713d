-- Deletes only someone who left no history: the seed's ON DELETE CASCADE would otherwise erase their paid enrollments.
CREATE OR REPLACE FUNCTION delete_user(p_user UUID) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM require_admin();
    IF p_user = app_user_id() THEN
        RAISE EXCEPTION 'you cannot remove yourself' USING ERRCODE = '23514', CONSTRAINT = 'users_remove_self';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_user FOR UPDATE) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '23503', CONSTRAINT = 'users_not_found';
    END IF;
    PERFORM ensure_not_last_admin(p_user);
    PERFORM ensure_no_courses(p_user);
    IF EXISTS (SELECT 1 FROM enrollments WHERE student_id = p_user)
       OR EXISTS (SELECT 1 FROM enrollments WHERE enrolled_by = p_user)
       OR EXISTS (SELECT 1 FROM price_changes WHERE changed_by = p_user)
       OR EXISTS (SELECT 1 FROM price_campaigns WHERE p_user IN (created_by, ended_early_by, cancelled_by)) THEN
        RAISE EXCEPTION 'the user has history' USING ERRCODE = '23503', CONSTRAINT = 'users_has_history';
    END IF;
    DELETE FROM users WHERE user_id = p_user;
END;
$$;

REVOKE ALL ON FUNCTION delete_user(UUID) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delete_user(UUID) TO techcourse_app;
