-- Several campaigns' due steps in one statement, in the order given: each exactly as price_campaign_run does it (its
-- claim, its changes as the campaign's creator with their rights of that moment, its settling), inside its own
-- subtransaction, so a step the database refuses is undone alone and named (its SQLSTATE, constraint if any, and message) while
-- the others stand; all of them commit, or are undone, with the caller's transaction. One row per campaign: what its
-- step did, nothing (not due, or another scheduler has it), or its error. The scheduler's batches cost one round trip.
CREATE OR REPLACE FUNCTION price_campaign_run_each(p_campaigns INT[])
RETURNS TABLE (campaign_id INT, step TEXT, due_at TIMESTAMPTZ, changed INT, skipped INT, kept INT,
               error_state TEXT, error_constraint TEXT, error_message TEXT)
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_id INT;
BEGIN
    FOREACH v_id IN ARRAY p_campaigns LOOP
        campaign_id := v_id;
        -- Nothing from the previous campaign: a step that fails before its row is read assigns none of these.
        step := NULL;
        due_at := NULL;
        changed := NULL;
        skipped := NULL;
        kept := NULL;
        error_state := NULL;
        error_constraint := NULL;
        error_message := NULL;
        BEGIN
            -- No row (not due, or another scheduler has it): all NULL.
            SELECT r.step, r.due_at, r.changed, r.skipped, r.kept INTO step, due_at, changed, skipped, kept FROM price_campaign_run(v_id) r;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS error_state = RETURNED_SQLSTATE, error_constraint = CONSTRAINT_NAME, error_message = MESSAGE_TEXT;
            error_constraint := nullif(error_constraint, '');
        END;
        -- After the subtransaction: a row returned inside it would stay returned were the step undone.
        RETURN NEXT;
    END LOOP;
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_run_each(INTEGER[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_run_each(INTEGER[]) TO techcourse_app;
