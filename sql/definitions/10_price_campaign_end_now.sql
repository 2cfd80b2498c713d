-- Ends an active campaign now (price_campaign_end) and reverts it in this transaction, with the caller's rights, like
-- its scheduled end would: courses changed meanwhile are kept and flagged. Returns what the revert did.
CREATE OR REPLACE FUNCTION price_campaign_end_now(p_campaign INT)
RETURNS TABLE (campaign_id INT, step TEXT, due_at TIMESTAMPTZ, changed INT, skipped INT, kept INT)
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM price_campaign_end(p_campaign);
    PERFORM price_campaign_update(p_campaign);
    RETURN QUERY SELECT * FROM price_campaign_settle(p_campaign, false);
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_end_now(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_end_now(INTEGER) TO techcourse_app;
