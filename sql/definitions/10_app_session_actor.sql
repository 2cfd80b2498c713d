-- The acting user of the live session app.session names, and the campaign whose step that session was opened for
-- (NULL for a sign-in): one lookup for the audit trigger and the campaign functions, which need both. No token:
-- nobody; a token of no live session: 28000, as app_user_id().
CREATE OR REPLACE FUNCTION app_session_actor(OUT actor_id UUID, OUT actor_campaign_id INT)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_token TEXT := current_setting('app.session', true);
BEGIN
    IF v_token IS NULL OR v_token = '' THEN RETURN; END IF;
    SELECT s.user_id, s.campaign_id INTO actor_id, actor_campaign_id FROM sessions s
    WHERE s.token_hash = sha256(convert_to(v_token, 'UTF8')) AND s.ended_at IS NULL
      AND now() < s.expires_at AND now() < s.last_seen_at + s.idle_timeout;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the session has ended: sign in again' USING ERRCODE = '28000', CONSTRAINT = 'sessions_live';
    END IF;
END;
$$;

REVOKE ALL ON FUNCTION app_session_actor() FROM PUBLIC;
