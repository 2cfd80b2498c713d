-- Applies a new campaign now, all or nothing, in the caller's transaction and with the caller's rights: one price
-- change per course (each carrying the campaign's id and reason), and only if every course still has the price the
-- preview showed (p_expected); otherwise nothing is written (price_campaign_prices_changed). With p_ends_at the
-- scheduler returns the courses to these prices then. Returns the campaign's id.
CREATE OR REPLACE FUNCTION price_campaign_apply_now(p_reason TEXT, p_operation TEXT, p_amount NUMERIC, p_ending NUMERIC, p_time_zone TEXT,
                                                    p_ends_at TIMESTAMPTZ, p_courses INT[], p_expected NUMERIC[])
RETURNS INT
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
DECLARE
    v_id INT;
BEGIN
    v_id := price_campaign_create(p_reason, p_operation, p_amount, p_ending, p_time_zone, NULL, p_ends_at, p_courses, coalesce(p_expected, '{}'));
    PERFORM price_campaign_update(v_id);
    PERFORM price_campaign_settle(v_id, true);
    RETURN v_id;
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_apply_now(TEXT, TEXT, NUMERIC, NUMERIC, TEXT, TIMESTAMPTZ, INTEGER[], NUMERIC[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_apply_now(TEXT, TEXT, NUMERIC, NUMERIC, TEXT, TIMESTAMPTZ, INTEGER[], NUMERIC[]) TO techcourse_app;
