-- The part of sales_courses_in_range that is not whole UTC days, per course: the deltas not folded yet over the whole
-- days [p_w1, p_w2), plus the enrollments between each end of the range and its nearest UTC midnight (added when the
-- range starts before p_w1 or ends after p_w2, subtracted otherwise). Cents are exact: amount_paid is NUMERIC(10,2).
-- SQL, so it is inlined into the caller's plan.
CREATE OR REPLACE FUNCTION sales_courses_ends(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ, p_w1 TIMESTAMPTZ, p_w2 TIMESTAMPTZ, p_courses INT[])
RETURNS TABLE (course_id INT, enrollments BIGINT, cents BIGINT)
LANGUAGE sql STABLE AS $$
    SELECT x.course_id, sum(x.e)::bigint, sum(x.cents)::bigint
    FROM (
        SELECT d.course_id, d.enrollments AS e, (d.gross_revenue * 100)::bigint AS cents FROM sales_deltas d
        WHERE d.enrolled_at >= p_w1 AND d.enrolled_at < p_w2 AND (p_courses IS NULL OR d.course_id = ANY (p_courses))
        UNION ALL
        SELECT e.course_id, 1, (e.amount_paid * 100)::bigint FROM enrollments e
        WHERE e.enrolled_at >= p_from AND e.enrolled_at < p_w1 AND (p_courses IS NULL OR e.course_id = ANY (p_courses))
        UNION ALL
        SELECT e.course_id, -1, -(e.amount_paid * 100)::bigint FROM enrollments e
        WHERE e.enrolled_at >= p_w1 AND e.enrolled_at < p_from AND (p_courses IS NULL OR e.course_id = ANY (p_courses))
        UNION ALL
        SELECT e.course_id, 1, (e.amount_paid * 100)::bigint FROM enrollments e
        WHERE e.enrolled_at >= p_w2 AND e.enrolled_at < p_to AND (p_courses IS NULL OR e.course_id = ANY (p_courses))
        UNION ALL
        SELECT e.course_id, -1, -(e.amount_paid * 100)::bigint FROM enrollments e
        WHERE e.enrolled_at >= p_to AND e.enrolled_at < p_w2 AND (p_courses IS NULL OR e.course_id = ANY (p_courses))
    ) x
    WHERE x.course_id IS NOT NULL
    GROUP BY x.course_id
$$;
