-- The price a campaign's operation gives for a course's price: set to p_amount, change by p_amount percent (rounded to
-- the cent, halves away from zero) or by p_amount; then, with a price ending (0.99, 0.49 or 0.00), the nearest price
-- with that ending that is not negative (halfway between two: the lower). May be negative or above the maximum: the
-- caller then leaves the course as it is. One definition for the preview, the apply and the audit trigger's check.
CREATE OR REPLACE FUNCTION price_campaign_price(p_operation TEXT, p_amount NUMERIC, p_ending NUMERIC, p_price NUMERIC)
RETURNS NUMERIC LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    v_raw NUMERIC := CASE p_operation
                         WHEN 'set' THEN p_amount
                         WHEN 'percent' THEN round(p_price * (100 + p_amount) / 100, 2)
                         WHEN 'amount' THEN p_price + p_amount END;
    v_low NUMERIC;
BEGIN
    IF p_ending IS NULL OR v_raw < 0 THEN RETURN v_raw; END IF;
    v_low := floor(v_raw - p_ending) + p_ending;
    IF v_low >= 0 AND v_raw - v_low <= v_low + 1 - v_raw THEN RETURN v_low; END IF;
    RETURN v_low + 1;
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_price(TEXT, NUMERIC, NUMERIC, NUMERIC) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_price(TEXT, NUMERIC, NUMERIC, NUMERIC) TO techcourse_app;
