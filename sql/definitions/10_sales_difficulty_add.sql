-- Adds (p_sign 1) or takes away (-1) the given courses, as they are or were, to or from their difficulty in
-- sales_difficulty, with their folded sales (deltas not folded yet are attributed by readers and by the fold), under
-- the fold's lock held to the end of the transaction.
CREATE OR REPLACE FUNCTION sales_difficulty_add(p_sign INT, p_courses INT[], p_metadata JSONB[]) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    INSERT INTO sales_difficulty AS t (difficulty, courses, scored_courses, passing_score_sum, enrollments, gross_revenue)
    SELECT sales_difficulty_of(m.metadata), p_sign * count(*), p_sign * count(sales_passing_score_of(m.metadata)),
           p_sign * coalesce(sum(sales_passing_score_of(m.metadata)), 0), p_sign * coalesce(sum(s.enrollments), 0)::bigint,
           p_sign * coalesce(sum(s.gross_revenue), 0.00)
    FROM unnest(p_courses, p_metadata) AS m(course_id, metadata) LEFT JOIN sales_course s ON s.course_id = m.course_id
    GROUP BY 1 ORDER BY 1
    ON CONFLICT (difficulty) DO UPDATE
        SET courses = t.courses + excluded.courses, scored_courses = t.scored_courses + excluded.scored_courses,
            passing_score_sum = t.passing_score_sum + excluded.passing_score_sum,
            enrollments = t.enrollments + excluded.enrollments, gross_revenue = t.gross_revenue + excluded.gross_revenue;
END
$$;

REVOKE ALL ON FUNCTION sales_difficulty_add(INTEGER, INT[], JSONB[]) FROM PUBLIC;
