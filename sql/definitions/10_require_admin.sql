-- The user-management functions act for the signed-in admin read from app.user_id (looked up, never trusted from the
-- app) and raise errors with a constraint name the app maps to a field message.
CREATE OR REPLACE FUNCTION require_admin() RETURNS VOID
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF app_user_role() IS DISTINCT FROM 'Admin' THEN
        RAISE EXCEPTION 'only an admin may do this' USING ERRCODE = '42501';
    END IF;
END;
$$;

REVOKE ALL ON FUNCTION require_admin() FROM PUBLIC;
