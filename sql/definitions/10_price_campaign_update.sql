-- The price changes of a campaign's open step, made as the caller (SECURITY INVOKER: row-level security applies with
-- the rights of whoever app.session names at this moment; the audit trigger checks and records each change).
-- apply: each pending course whose price is still the previewed one (applied now) and for which the operation gives a
-- valid, different price. revert: each applied course still at the campaign's price and changed by nothing else since,
-- back to its price from just before the campaign. Returns how many courses changed; price_campaign_settle() says why
-- the others did not.
CREATE OR REPLACE FUNCTION price_campaign_update(p_campaign INT) RETURNS INT
LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
DECLARE
    c price_campaigns;
    v_count INT;
BEGIN
    SELECT * INTO c FROM price_campaigns pc WHERE pc.campaign_id = p_campaign AND pc.step_xact = pg_current_xact_id();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no step of campaign % is open in this transaction', p_campaign USING ERRCODE = '55000';
    END IF;
    IF c.step = 'apply' THEN
        UPDATE courses co SET price = price_campaign_price(c.operation, c.amount, c.price_ending, co.price)
        FROM price_campaign_courses i
        WHERE i.campaign_id = p_campaign AND i.state = 'pending' AND co.course_id = i.course_id
          AND co.price = coalesce(i.expected_price, co.price)
          AND price_campaign_price(c.operation, c.amount, c.price_ending, co.price) BETWEEN 0 AND 99999999.99
          AND price_campaign_price(c.operation, c.amount, c.price_ending, co.price) <> co.price;
    ELSE
        UPDATE courses co SET price = i.price_before
        FROM price_campaign_courses i
        WHERE i.campaign_id = p_campaign AND i.state = 'applied' AND co.course_id = i.course_id AND co.price = i.price_after
          AND NOT EXISTS (SELECT 1 FROM price_changes p
                          WHERE p.course_id = i.course_id AND p.log_id > i.applied_log_id AND p.campaign_id IS DISTINCT FROM p_campaign);
    END IF;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_update(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_update(INTEGER) TO techcourse_app;
