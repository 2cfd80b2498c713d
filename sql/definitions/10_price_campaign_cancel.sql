-- Cancelling a campaign that has not started (its creator, or an Admin): it will never apply, and releases its courses
-- for other campaigns. p_version (its xmin when the page loaded it; NULL: any) guards against cancelling a campaign
-- edited meanwhile. Waits for a start the scheduler is running; a started one is refused (price_campaigns_started).
CREATE OR REPLACE FUNCTION price_campaign_cancel(p_campaign INT, p_version TEXT) RETURNS VOID
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor UUID;
    v_role TEXT;
    c RECORD;
BEGIN
    SELECT a.actor_id, a.actor_role INTO v_actor, v_role FROM price_campaign_actor() a;
    SELECT pc.state, pc.xmin::text AS version INTO c FROM price_campaigns pc
    WHERE pc.campaign_id = p_campaign AND (v_role = 'Admin' OR pc.created_by = v_actor) FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such campaign' USING ERRCODE = '23503', CONSTRAINT = 'price_campaigns_not_found';
    END IF;
    IF c.state <> 'scheduled' THEN
        RAISE EXCEPTION 'campaign % is %', p_campaign, c.state USING ERRCODE = '23514', CONSTRAINT = 'price_campaigns_started';
    END IF;
    IF p_version IS NOT NULL AND p_version <> c.version THEN
        RAISE EXCEPTION 'campaign % changed since it was loaded', p_campaign USING ERRCODE = '40001', CONSTRAINT = 'price_campaigns_version';
    END IF;
    UPDATE price_campaigns pc SET state = 'cancelled', next_due_at = NULL, cancelled_at = now(), cancelled_by = v_actor
    WHERE pc.campaign_id = p_campaign;
    UPDATE price_campaign_courses i SET holds = false WHERE i.campaign_id = p_campaign;
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_cancel(INTEGER, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_cancel(INTEGER, TEXT) TO techcourse_app;
