-- Who may create, edit, end or cancel a campaign: the signed-in Admin or Instructor whose live session app.session
-- names (a campaign step's session is 'schedule:<role>' and is refused). Raises 42501 otherwise.
CREATE OR REPLACE FUNCTION price_campaign_actor(OUT actor_id UUID, OUT actor_role TEXT)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    actor_role := app_user_role();
    IF actor_role IS NULL OR actor_role NOT IN ('Admin', 'Instructor') THEN
        RAISE EXCEPTION 'only a signed-in admin or instructor manages price campaigns' USING ERRCODE = '42501', CONSTRAINT = 'price_campaigns_actor';
    END IF;
    actor_id := app_user_id();
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_actor() FROM PUBLIC;
