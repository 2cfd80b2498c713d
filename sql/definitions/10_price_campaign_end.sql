-- Ending an active campaign early (its creator, or an Admin): its end becomes now and its revert step opens in this
-- transaction for the caller, whose rights apply (price_campaign_end_now runs it). Waits for a step the scheduler is
-- running on it; a campaign that is not active (any more) is refused (price_campaigns_not_active).
CREATE OR REPLACE FUNCTION price_campaign_end(p_campaign INT) RETURNS VOID
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor UUID;
    v_role TEXT;
    c price_campaigns;
    v_end TIMESTAMPTZ;
BEGIN
    SELECT a.actor_id, a.actor_role INTO v_actor, v_role FROM price_campaign_actor() a;
    SELECT * INTO c FROM price_campaigns pc WHERE pc.campaign_id = p_campaign AND (v_role = 'Admin' OR pc.created_by = v_actor) FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such campaign' USING ERRCODE = '23503', CONSTRAINT = 'price_campaigns_not_found';
    END IF;
    IF c.state <> 'active' THEN
        RAISE EXCEPTION 'campaign % is % and cannot be ended', p_campaign, c.state USING ERRCODE = '23514', CONSTRAINT = 'price_campaigns_not_active';
    END IF;
    v_end := greatest(now(), c.starts_at + INTERVAL '1 microsecond');
    UPDATE price_campaigns pc SET ends_at = v_end, next_due_at = v_end, ended_early_by = v_actor WHERE pc.campaign_id = p_campaign;
    UPDATE price_campaign_courses i SET period = tstzrange(lower(i.period), v_end, '[)') WHERE i.campaign_id = p_campaign;
    PERFORM price_campaign_open_step(p_campaign, 'revert', v_actor);
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_end(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_end(INTEGER) TO techcourse_app;
