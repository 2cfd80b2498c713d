-- A title change moves the course's folded totals from the old title to the new one (see sales_title_on_course_insert).
CREATE OR REPLACE FUNCTION sales_title_on_course_update() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    UPDATE sales_title t SET enrollments = t.enrollments - s.enrollments, gross_revenue = t.gross_revenue - s.gross_revenue
    FROM sales_course s WHERE s.course_id = OLD.course_id AND t.title = OLD.title;
    INSERT INTO sales_title AS t (title, enrollments, gross_revenue)
    SELECT NEW.title, s.enrollments, s.gross_revenue FROM sales_course s WHERE s.course_id = NEW.course_id
    ON CONFLICT (title) DO UPDATE SET enrollments = t.enrollments + excluded.enrollments, gross_revenue = t.gross_revenue + excluded.gross_revenue;
    INSERT INTO sales_course (course_id, enrollments, gross_revenue) VALUES (NEW.course_id, 0, 0.00) ON CONFLICT (course_id) DO NOTHING;
    RETURN NULL;
END
$$;
