-- The actor of a write: the live session named by the transaction's app.session. No token: nobody (no rights, as
-- before without app.user_id). A token that names no live session: the write is refused at once with 28000.
-- Row-level security, require_admin(), the write functions and the audit trigger call this and app_user_role().
-- Each does its own lookup by primary key (PL/pgSQL: its plan is cached for the session, see 0013) rather than share
-- one: every write runs them two to four times, and a shared function returning both (a record) or called from a
-- wrapper costs more per call than the lookup itself.
CREATE OR REPLACE FUNCTION app_user_id() RETURNS UUID
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_token TEXT := current_setting('app.session', true);
    v_user UUID;
BEGIN
    IF v_token IS NULL OR v_token = '' THEN RETURN NULL; END IF;
    SELECT s.user_id INTO v_user FROM sessions s
    WHERE s.token_hash = sha256(convert_to(v_token, 'UTF8')) AND s.ended_at IS NULL
      AND now() < s.expires_at AND now() < s.last_seen_at + s.idle_timeout;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the session has ended: sign in again' USING ERRCODE = '28000', CONSTRAINT = 'sessions_live';
    END IF;
    RETURN v_user;
END;
$$;

REVOKE ALL ON FUNCTION app_user_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_user_id() TO techcourse_app;
