-- Per difficulty: its courses, passing scores and folded sales against what its current courses add up to.
CREATE OR REPLACE FUNCTION sales_difficulty_differences()
RETURNS TABLE (rollup TEXT, key TEXT, expected_enrollments BIGINT, actual_enrollments BIGINT, expected_amount NUMERIC, actual_amount NUMERIC)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT 'difficulty', coalesce(e.difficulty, a.difficulty)
               || CASE WHEN (e.courses, e.scored_courses, e.passing_score_sum) IS DISTINCT FROM (a.courses, a.scored_courses, a.passing_score_sum)
                       THEN format(' (courses %s, scored %s, score sum %s expected; %s, %s, %s kept)',
                                   coalesce(e.courses, 0), coalesce(e.scored_courses, 0), coalesce(e.passing_score_sum, 0),
                                   coalesce(a.courses, 0), coalesce(a.scored_courses, 0), coalesce(a.passing_score_sum, 0))
                       ELSE '' END,
           nullif(coalesce(e.enrollments, 0), 0), nullif(coalesce(a.enrollments, 0), 0), e.gross_revenue, a.gross_revenue
    FROM sales_difficulty_expected() e
    FULL JOIN (SELECT * FROM sales_difficulty WHERE courses <> 0 OR scored_courses <> 0 OR passing_score_sum <> 0
                                                 OR enrollments <> 0 OR gross_revenue <> 0) a ON a.difficulty = e.difficulty
    WHERE (e.courses, e.scored_courses, e.passing_score_sum, e.enrollments, e.gross_revenue)
          IS DISTINCT FROM (a.courses, a.scored_courses, a.passing_score_sum, a.enrollments, a.gross_revenue)
$$;

REVOKE ALL ON FUNCTION sales_difficulty_differences() FROM PUBLIC;
