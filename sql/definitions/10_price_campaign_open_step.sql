-- Opens a campaign's step (apply or revert) in the current transaction, for p_actor: the audit trigger accepts the
-- step's price changes only in this transaction and only from that user (app.campaign names the campaign for a
-- signed-in user's session; the scheduler's session names it itself). price_campaign_settle() closes it.
CREATE OR REPLACE FUNCTION price_campaign_open_step(p_campaign INT, p_step TEXT, p_actor UUID) RETURNS VOID
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE price_campaigns c SET step = p_step, step_xact = pg_current_xact_id(), step_by = p_actor WHERE c.campaign_id = p_campaign;
    PERFORM set_config('app.campaign', p_campaign::text, true);
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_open_step(INTEGER, TEXT, UUID) FROM PUBLIC;
