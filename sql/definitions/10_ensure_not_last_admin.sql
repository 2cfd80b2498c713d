-- Admin rows are locked before counting, so two admins demoting each other at once cannot both succeed.
CREATE OR REPLACE FUNCTION ensure_not_last_admin(p_user UUID) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM users WHERE role = 'Admin' AND anonymised_at IS NULL ORDER BY user_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM users WHERE user_id = p_user AND role = 'Admin' AND anonymised_at IS NULL)
       AND (SELECT count(*) FROM users WHERE role = 'Admin' AND anonymised_at IS NULL) <= 1 THEN
        RAISE EXCEPTION 'the last admin must stay an admin' USING ERRCODE = '23514', CONSTRAINT = 'users_last_admin';
    END IF;
END;
$$;

REVOKE ALL ON FUNCTION ensure_not_last_admin(UUID) FROM PUBLIC;
