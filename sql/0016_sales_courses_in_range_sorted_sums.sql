-- Sales per course in a range with integer sums, summed by sorting (issue 8: the in-range tabs in ≤ 20 ms).
-- 0010's version hashed about 19,000 rows of a 30-day range into 10,000 groups with three NUMERIC sums. Here
-- enrollments are summed as integers and money as integer cents (amount_paid is NUMERIC(10,2), so cents are exact),
-- with one conversion to NUMERIC per course at the end, and the rows are sorted by course (a few narrow columns)
-- rather than hashed. At full scale, for 30 days: under glibc's default allocator settings, where the hash table's
-- memory is page-faulted in again on every call, 57-61 ms became 22-29; with the server environment of
-- LocalPostgresCluster, 21.4 ms became 19.3. Same rows as 0010's function (checked over 227 ranges of one day to two
-- years, in UTC and in zones off the UTC midnight, with and without a course list, at full scale).
CREATE OR REPLACE FUNCTION sales_courses_in_range(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ, p_courses INT[] DEFAULT NULL)
RETURNS TABLE (course_id INT, enrollments BIGINT, gross_revenue NUMERIC)
LANGUAGE plpgsql STABLE SET enable_hashagg = off AS $$
#variable_conflict use_column
DECLARE
    v_w1 TIMESTAMPTZ := date_trunc('day', p_from + interval '12 hours', 'UTC');
    v_w2 TIMESTAMPTZ := date_trunc('day', p_to + interval '12 hours', 'UTC');
    v_d1 TIMESTAMP;
    v_d2 TIMESTAMP;
    v_m1 DATE;
    v_m2 DATE;
BEGIN
    IF v_w1 >= v_w2 THEN
        v_w1 := p_to;
        v_w2 := p_to;
    END IF;
    v_d1 := v_w1 AT TIME ZONE 'UTC';
    v_d2 := (v_w2 AT TIME ZONE 'UTC') - interval '1 day';
    v_m1 := date_trunc('month', v_d1);
    v_m2 := CASE WHEN v_w1 < v_w2 THEN date_trunc('month', v_d2) ELSE v_m1 - 1 END;
    RETURN QUERY
    SELECT x.course_id, sum(x.e), sum(x.cents) * 0.01
    FROM (
        SELECT r.course_id,
               (r.running_enrollments[CASE WHEN r.month = v_m2 THEN date_part('day', v_d2)::int ELSE 31 END]
                   - coalesce(r.running_enrollments[CASE WHEN r.month = v_m1 THEN date_part('day', v_d1)::int - 1 ELSE 0 END], 0))::int AS e,
               r.running_cents[CASE WHEN r.month = v_m2 THEN date_part('day', v_d2)::int ELSE 31 END]
                   - coalesce(r.running_cents[CASE WHEN r.month = v_m1 THEN date_part('day', v_d1)::int - 1 ELSE 0 END], 0) AS cents
        FROM sales_course_month r
        WHERE r.month BETWEEN v_m1 AND v_m2 AND (p_courses IS NULL OR r.course_id = ANY (p_courses))
        UNION ALL
        SELECT d.course_id, d.enrollments, (d.gross_revenue * 100)::bigint FROM sales_deltas d
        WHERE d.enrolled_at >= v_w1 AND d.enrolled_at < v_w2 AND (p_courses IS NULL OR d.course_id = ANY (p_courses))
        UNION ALL
        SELECT e.course_id, 1, (e.amount_paid * 100)::bigint FROM enrollments e
        WHERE e.enrolled_at >= p_from AND e.enrolled_at < v_w1 AND (p_courses IS NULL OR e.course_id = ANY (p_courses))
        UNION ALL
        SELECT e.course_id, -1, -(e.amount_paid * 100)::bigint FROM enrollments e
        WHERE e.enrolled_at >= v_w1 AND e.enrolled_at < p_from AND (p_courses IS NULL OR e.course_id = ANY (p_courses))
        UNION ALL
        SELECT e.course_id, 1, (e.amount_paid * 100)::bigint FROM enrollments e
        WHERE e.enrolled_at >= v_w2 AND e.enrolled_at < p_to AND (p_courses IS NULL OR e.course_id = ANY (p_courses))
        UNION ALL
        SELECT e.course_id, -1, -(e.amount_paid * 100)::bigint FROM enrollments e
        WHERE e.enrolled_at >= p_to AND e.enrolled_at < v_w2 AND (p_courses IS NULL OR e.course_id = ANY (p_courses))
    ) x
    WHERE x.course_id IS NOT NULL
    GROUP BY x.course_id
    HAVING sum(x.e) > 0;
END
$$;
