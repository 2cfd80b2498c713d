-- The scheduler's claim of one campaign's due step: only a campaign whose start (scheduled) or end (active) has come,
-- and that no other transaction is working on (SKIP LOCKED: of several schedulers one runs it, the others move on).
-- A start waits while another campaign on one of its courses has an earlier step still to run (after a pause they may
-- come due together: an end, then the start that follows it). Opens, in this transaction, a session for the campaign's
-- creator bound to this campaign (its role: the creator's role now, 'removed' if anonymised, so row-level security
-- applies their rights of this moment), names it in app.session, and opens the step. Returns the step, or NULL.
CREATE OR REPLACE FUNCTION price_campaign_claim(p_campaign INT) RETURNS TEXT
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c price_campaigns;
    v_role TEXT;
    v_token TEXT := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
    v_step TEXT;
BEGIN
    SELECT * INTO c FROM price_campaigns pc
    WHERE pc.campaign_id = p_campaign AND pc.next_due_at <= clock_timestamp()
    FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN RETURN NULL; END IF;
    IF c.state = 'scheduled' AND EXISTS (
        SELECT 1 FROM price_campaign_courses i
        JOIN price_campaign_courses o ON o.course_id = i.course_id AND o.holds AND o.campaign_id <> i.campaign_id
        JOIN price_campaigns oc ON oc.campaign_id = o.campaign_id AND oc.next_due_at <= c.next_due_at
        WHERE i.campaign_id = p_campaign AND i.holds) THEN
        RETURN NULL;
    END IF;
    v_step := CASE c.state WHEN 'scheduled' THEN 'apply' ELSE 'revert' END;
    SELECT CASE WHEN u.anonymised_at IS NULL THEN u.role ELSE 'removed' END INTO v_role FROM users u WHERE u.user_id = c.created_by;
    INSERT INTO sessions (token_hash, user_id, role, source, idle_timeout, expires_at, campaign_id)
    VALUES (sha256(convert_to(v_token, 'UTF8')), c.created_by, v_role, 'schedule', INTERVAL '10 minutes', now() + INTERVAL '1 hour', p_campaign);
    PERFORM set_config('app.session', v_token, true);
    PERFORM price_campaign_open_step(p_campaign, v_step, c.created_by);
    RETURN v_step;
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_claim(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_claim(INTEGER) TO techcourse_app;
