-- Enrollments and revenue in integer cents per course in [p_from, p_to) (optionally only the given courses): whole UTC
-- days from sales_course_month (two array elements per course and month), the rest from sales_courses_ends (the deltas,
-- and the enrollments between each end and the UTC midnight nearest to it). The whole days of one month (a month to
-- date, a week) are one row per course, joined to the ends without grouping them; longer ranges sort their months'
-- rows with the ends by course and add them up (a sort of a few narrow columns costs less here than hashing, hence
-- enable_hashagg off). Cents, so that callers which rank or add up courses compare integers.
CREATE OR REPLACE FUNCTION sales_courses_cents_in_range(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ, p_courses INT[] DEFAULT NULL)
RETURNS TABLE (course_id INT, enrollments BIGINT, cents BIGINT)
LANGUAGE plpgsql STABLE SET enable_hashagg = off AS $$
#variable_conflict use_column
DECLARE
    v_w1 TIMESTAMPTZ := date_trunc('day', p_from + interval '12 hours', 'UTC');
    v_w2 TIMESTAMPTZ := date_trunc('day', p_to + interval '12 hours', 'UTC');
    v_d1 TIMESTAMP;
    v_d2 TIMESTAMP;
    v_m1 DATE;
    v_m2 DATE;
    v_before INT;  -- the day of v_m1 just before the first whole day (0: none)
    v_last INT;    -- the day of v_m2 that is the last whole day
BEGIN
    IF v_w1 >= v_w2 THEN
        v_w1 := p_to;
        v_w2 := p_to;
    END IF;
    v_d1 := v_w1 AT TIME ZONE 'UTC';
    v_d2 := (v_w2 AT TIME ZONE 'UTC') - interval '1 day';
    v_m1 := date_trunc('month', v_d1);
    v_m2 := CASE WHEN v_w1 < v_w2 THEN date_trunc('month', v_d2) ELSE v_m1 - 1 END;
    v_before := date_part('day', v_d1)::int - 1;
    v_last := date_part('day', v_d2)::int;
    IF v_m1 = v_m2 THEN
        RETURN QUERY
        SELECT coalesce(m.course_id, n.course_id), coalesce(m.e, 0) + coalesce(n.enrollments, 0), coalesce(m.cents, 0) + coalesce(n.cents, 0)
        FROM (SELECT r.course_id, r.running_enrollments[v_last] - coalesce(r.running_enrollments[v_before], 0) AS e,
                     r.running_cents[v_last] - coalesce(r.running_cents[v_before], 0) AS cents
              FROM sales_course_month r
              WHERE r.month = v_m1 AND (p_courses IS NULL OR r.course_id = ANY (p_courses))) m
        FULL JOIN sales_courses_ends(p_from, p_to, v_w1, v_w2, p_courses) n ON n.course_id = m.course_id
        WHERE coalesce(m.e, 0) + coalesce(n.enrollments, 0) > 0;
    ELSE
        RETURN QUERY
        SELECT x.course_id, sum(x.e)::bigint, sum(x.cents)::bigint
        FROM (SELECT r.course_id,
                     r.running_enrollments[CASE WHEN r.month = v_m2 THEN v_last ELSE 31 END]
                         - coalesce(r.running_enrollments[CASE WHEN r.month = v_m1 THEN v_before ELSE 0 END], 0) AS e,
                     r.running_cents[CASE WHEN r.month = v_m2 THEN v_last ELSE 31 END]
                         - coalesce(r.running_cents[CASE WHEN r.month = v_m1 THEN v_before ELSE 0 END], 0) AS cents
              FROM sales_course_month r
              WHERE r.month BETWEEN v_m1 AND v_m2 AND (p_courses IS NULL OR r.course_id = ANY (p_courses))
              UNION ALL
              SELECT n.course_id, n.enrollments, n.cents FROM sales_courses_ends(p_from, p_to, v_w1, v_w2, p_courses) n) x
        GROUP BY x.course_id
        HAVING sum(x.e) > 0;
    END IF;
END
$$;
