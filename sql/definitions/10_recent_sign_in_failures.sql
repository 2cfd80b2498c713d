-- Failed sign-ins of a user within the window since their last success (the lockout counts these).
CREATE OR REPLACE FUNCTION recent_sign_in_failures(p_user_id UUID, p_window INTERVAL) RETURNS INTEGER
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT count(*)::int FROM sign_in_attempts a
    WHERE a.user_id = p_user_id AND NOT a.succeeded AND a.attempted_at > NOW() - p_window
      AND a.attempted_at > COALESCE((SELECT max(s.attempted_at) FROM sign_in_attempts s WHERE s.user_id = p_user_id AND s.succeeded), '-infinity')
$$;

REVOKE ALL ON FUNCTION recent_sign_in_failures(UUID, INTERVAL) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION recent_sign_in_failures(UUID, INTERVAL) TO techcourse_app;
