-- Editing a campaign that has not started (its creator only: it will act with their rights): reason, operation,
-- start, end and courses, if it is still the version the form loaded (p_version: its xmin). The start must still be
-- ahead. Waits for a start the scheduler is running; a started one is refused (price_campaigns_started).
CREATE OR REPLACE FUNCTION price_campaign_reschedule(p_campaign INT, p_version TEXT, p_reason TEXT, p_operation TEXT, p_amount NUMERIC,
                                                     p_ending NUMERIC, p_time_zone TEXT, p_starts_at TIMESTAMPTZ, p_ends_at TIMESTAMPTZ,
                                                     p_courses INT[])
RETURNS VOID
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor UUID;
    v_role TEXT;
    c RECORD;
BEGIN
    SELECT a.actor_id, a.actor_role INTO v_actor, v_role FROM price_campaign_actor() a;
    SELECT pc.state, pc.xmin::text AS version INTO c FROM price_campaigns pc
    WHERE pc.campaign_id = p_campaign AND pc.created_by = v_actor FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such campaign of yours' USING ERRCODE = '23503', CONSTRAINT = 'price_campaigns_not_found';
    END IF;
    IF c.state <> 'scheduled' THEN
        RAISE EXCEPTION 'campaign % is %', p_campaign, c.state USING ERRCODE = '23514', CONSTRAINT = 'price_campaigns_started';
    END IF;
    IF p_version IS DISTINCT FROM c.version THEN
        RAISE EXCEPTION 'campaign % changed since it was loaded', p_campaign USING ERRCODE = '40001', CONSTRAINT = 'price_campaigns_version';
    END IF;
    IF p_starts_at IS NULL OR p_starts_at <= clock_timestamp() THEN
        RAISE EXCEPTION 'the start must be ahead' USING ERRCODE = '23514', CONSTRAINT = 'price_campaigns_starts_ahead';
    END IF;
    PERFORM now() AT TIME ZONE p_time_zone;
    PERFORM price_campaign_courses_check(p_courses, v_actor, v_role);
    UPDATE price_campaigns pc SET reason = btrim(p_reason), operation = p_operation, amount = p_amount, price_ending = p_ending,
        time_zone = p_time_zone, starts_at = p_starts_at, ends_at = p_ends_at, next_due_at = p_starts_at
    WHERE pc.campaign_id = p_campaign;
    DELETE FROM price_campaign_courses i WHERE i.campaign_id = p_campaign;
    INSERT INTO price_campaign_courses (campaign_id, course_id, period)
    SELECT p_campaign, x, price_campaign_period(p_starts_at, p_ends_at) FROM unnest(p_courses) x;
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_reschedule(INTEGER, TEXT, TEXT, TEXT, NUMERIC, NUMERIC, TEXT, TIMESTAMPTZ, TIMESTAMPTZ, INTEGER[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_reschedule(INTEGER, TEXT, TEXT, TEXT, NUMERIC, NUMERIC, TEXT, TIMESTAMPTZ, TIMESTAMPTZ, INTEGER[]) TO techcourse_app;
