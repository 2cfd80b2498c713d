-- Empties every sales rollup except sales_difficulty (sales_rollups_clear rebuilds that from the courses after it).
CREATE OR REPLACE FUNCTION sales_sums_clear() RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    DELETE FROM sales_deltas;
    DELETE FROM sales_course;
    DELETE FROM sales_title;
    DELETE FROM sales_day;
    DELETE FROM sales_course_month;
    UPDATE sales_total SET enrollments = 0, gross_revenue = 0.00;
    INSERT INTO sales_course (course_id, enrollments, gross_revenue) SELECT c.course_id, 0, 0.00 FROM courses c;
END
$$;

REVOKE ALL ON FUNCTION sales_sums_clear() FROM PUBLIC;
