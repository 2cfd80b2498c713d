-- Deleted courses take their folded totals out of their title (see sales_title_on_course_insert).
CREATE OR REPLACE FUNCTION sales_title_on_course_delete() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    UPDATE sales_title t SET enrollments = t.enrollments - x.enrollments, gross_revenue = t.gross_revenue - x.gross_revenue
    FROM (SELECT o.title, sum(s.enrollments) AS enrollments, sum(s.gross_revenue) AS gross_revenue
          FROM old_courses o JOIN sales_course s ON s.course_id = o.course_id GROUP BY o.title) x
    WHERE t.title = x.title;
    RETURN NULL;
END
$$;
