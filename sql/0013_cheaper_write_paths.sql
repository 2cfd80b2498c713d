-- The same checks for less work on every write.
--
-- app_user_role() was a SECURITY DEFINER SQL function: such a function is never inlined, so every call parsed and
-- planned its query again (twice per course update through the row-level-security policies, once per enrollment
-- through require_admin()). As PL/pgSQL its plan is cached for the session. Same lookup, same answer.
CREATE OR REPLACE FUNCTION app_user_role() RETURNS TEXT
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN (SELECT role FROM users WHERE user_id = app_user_id());
END;
$$;
