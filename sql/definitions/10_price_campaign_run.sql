-- One due step of one campaign, whole, in the caller's one transaction (the scheduler calls it on its own in a
-- statement): claim it (NULL when it is not due or another scheduler has it), make its price changes as the campaign's
-- creator with their rights of this moment, settle it. A crash anywhere in it undoes all of it; a later call runs it
-- again. Returns what the step did, or no row.
CREATE OR REPLACE FUNCTION price_campaign_run(p_campaign INT)
RETURNS TABLE (campaign_id INT, step TEXT, due_at TIMESTAMPTZ, changed INT, skipped INT, kept INT)
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
BEGIN
    IF price_campaign_claim(p_campaign) IS NULL THEN RETURN; END IF;
    PERFORM price_campaign_update(p_campaign);
    RETURN QUERY SELECT * FROM price_campaign_settle(p_campaign, false);
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_run(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_run(INTEGER) TO techcourse_app;
