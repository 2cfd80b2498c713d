-- Brings sales_difficulty to what the courses and their folded sales add up to, writing only the rows that differ.
CREATE OR REPLACE FUNCTION sales_difficulty_rebuild() RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    CREATE TEMP TABLE sales_difficulty_rebuilt ON COMMIT DROP AS SELECT * FROM sales_difficulty_expected();
    DELETE FROM sales_difficulty t WHERE NOT EXISTS (SELECT 1 FROM sales_difficulty_rebuilt n WHERE n.difficulty = t.difficulty);
    UPDATE sales_difficulty t
    SET courses = n.courses, scored_courses = n.scored_courses, passing_score_sum = n.passing_score_sum,
        enrollments = n.enrollments, gross_revenue = n.gross_revenue
    FROM sales_difficulty_rebuilt n
    WHERE n.difficulty = t.difficulty
      AND (t.courses, t.scored_courses, t.passing_score_sum, t.enrollments, t.gross_revenue)
          IS DISTINCT FROM (n.courses, n.scored_courses, n.passing_score_sum, n.enrollments, n.gross_revenue);
    INSERT INTO sales_difficulty SELECT n.* FROM sales_difficulty_rebuilt n
    WHERE NOT EXISTS (SELECT 1 FROM sales_difficulty t WHERE t.difficulty = n.difficulty);
    DROP TABLE pg_temp.sales_difficulty_rebuilt;
END
$$;

REVOKE ALL ON FUNCTION sales_difficulty_rebuild() FROM PUBLIC;
