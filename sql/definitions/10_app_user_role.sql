-- The acting user's role: that of the live session named by app.session (see app_user_id()). A session the scheduler
-- opened for a campaign step (sessions.campaign_id) gives 'schedule:<role>': no role check anywhere admits it (every
-- write function wants 'Admin', the insert and delete policies 'Admin' or 'Instructor') except the courses update
-- policy, where the audit trigger holds it to its campaign's courses and prices.
CREATE OR REPLACE FUNCTION app_user_role() RETURNS TEXT
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_token TEXT := current_setting('app.session', true);
    v_role TEXT;
BEGIN
    IF v_token IS NULL OR v_token = '' THEN RETURN NULL; END IF;
    SELECT CASE WHEN s.campaign_id IS NULL THEN s.role ELSE 'schedule:' || s.role END INTO v_role FROM sessions s
    WHERE s.token_hash = sha256(convert_to(v_token, 'UTF8')) AND s.ended_at IS NULL
      AND now() < s.expires_at AND now() < s.last_seen_at + s.idle_timeout;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the session has ended: sign in again' USING ERRCODE = '28000', CONSTRAINT = 'sessions_live';
    END IF;
    RETURN v_role;
END;
$$;

REVOKE ALL ON FUNCTION app_user_role() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_user_role() TO techcourse_app;
