-- A new campaign of the signed-in Admin or Instructor (price_campaign_actor) on p_courses (each theirs, for an
-- Instructor), with one reason and operation. p_starts_at NULL: it starts now, in this transaction, where
-- price_campaign_apply_now() applies it (p_expected: the price each course had in the preview); else it is scheduled
-- for p_starts_at, which must be ahead. Two campaigns cannot hold one course at overlapping times
-- (price_campaign_courses_no_overlap). Returns the campaign's id.
CREATE OR REPLACE FUNCTION price_campaign_create(p_reason TEXT, p_operation TEXT, p_amount NUMERIC, p_ending NUMERIC, p_time_zone TEXT,
                                                 p_starts_at TIMESTAMPTZ, p_ends_at TIMESTAMPTZ, p_courses INT[], p_expected NUMERIC[])
RETURNS INT
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_actor UUID;
    v_role TEXT;
    v_starts TIMESTAMPTZ := coalesce(p_starts_at, now());
    v_id INT;
BEGIN
    SELECT a.actor_id, a.actor_role INTO v_actor, v_role FROM price_campaign_actor() a;
    IF p_starts_at IS NOT NULL AND p_starts_at <= clock_timestamp() THEN
        RAISE EXCEPTION 'the start must be ahead' USING ERRCODE = '23514', CONSTRAINT = 'price_campaigns_starts_ahead';
    END IF;
    IF (p_starts_at IS NULL) <> (p_expected IS NOT NULL) OR cardinality(p_expected) <> cardinality(p_courses) THEN
        RAISE EXCEPTION 'a campaign applied now gives the previewed price of each course, a scheduled one none' USING ERRCODE = '22023';
    END IF;
    PERFORM now() AT TIME ZONE p_time_zone;
    PERFORM price_campaign_courses_check(p_courses, v_actor, v_role);
    INSERT INTO price_campaigns (reason, operation, amount, price_ending, created_by, time_zone, starts_at, ends_at, state, next_due_at)
    VALUES (btrim(p_reason), p_operation, p_amount, p_ending, v_actor, p_time_zone, v_starts, p_ends_at, 'scheduled', v_starts)
    RETURNING campaign_id INTO v_id;
    INSERT INTO price_campaign_courses (campaign_id, course_id, expected_price, period)
    SELECT v_id, x.course_id, x.expected, price_campaign_period(v_starts, p_ends_at)
    FROM unnest(p_courses, coalesce(p_expected, array_fill(NULL::NUMERIC, ARRAY[cardinality(p_courses)]))) AS x(course_id, expected);
    IF p_starts_at IS NULL THEN
        PERFORM price_campaign_open_step(v_id, 'apply', v_actor);
    END IF;
    RETURN v_id;
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_create(TEXT, TEXT, NUMERIC, NUMERIC, TEXT, TIMESTAMPTZ, TIMESTAMPTZ, INTEGER[], NUMERIC[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_create(TEXT, TEXT, NUMERIC, NUMERIC, TEXT, TIMESTAMPTZ, TIMESTAMPTZ, INTEGER[], NUMERIC[]) TO techcourse_app;
