-- The acting user's role, looked up rather than trusted from the session, so a bug that sets a wrong app.role cannot
-- widen what the database allows. PL/pgSQL so its plan is cached per session: a SECURITY DEFINER SQL function is never
-- inlined and would parse and plan its query on every call (twice per course update through the row-level security
-- policies, once per enrollment through require_admin()).
CREATE OR REPLACE FUNCTION app_user_role() RETURNS TEXT
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN (SELECT role FROM users WHERE user_id = app_user_id());
END;
$$;

REVOKE ALL ON FUNCTION app_user_role() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_user_role() TO techcourse_app;
