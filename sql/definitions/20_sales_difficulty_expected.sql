-- Per difficulty, what its current courses and their folded sales add up to.
CREATE OR REPLACE FUNCTION sales_difficulty_expected()
RETURNS TABLE (difficulty TEXT, courses BIGINT, scored_courses BIGINT, passing_score_sum NUMERIC, enrollments BIGINT, gross_revenue NUMERIC)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT sales_difficulty_of(c.quiz_metadata), count(*), count(sales_passing_score_of(c.quiz_metadata)),
           coalesce(sum(sales_passing_score_of(c.quiz_metadata)), 0), coalesce(sum(s.enrollments), 0)::bigint, coalesce(sum(s.gross_revenue), 0.00)
    FROM courses c LEFT JOIN sales_course s ON s.course_id = c.course_id
    GROUP BY 1
$$;

REVOKE ALL ON FUNCTION sales_difficulty_expected() FROM PUBLIC;
