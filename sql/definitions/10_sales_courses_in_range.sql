-- Sales per course in [p_from, p_to) (optionally only the given courses), revenue in money: sales_courses_cents_in_range
-- with its cents as NUMERIC. SQL, so it is inlined into the caller's plan.
CREATE OR REPLACE FUNCTION sales_courses_in_range(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ, p_courses INT[] DEFAULT NULL)
RETURNS TABLE (course_id INT, enrollments BIGINT, gross_revenue NUMERIC)
LANGUAGE sql STABLE AS $$
    SELECT r.course_id, r.enrollments, r.cents * 0.01 FROM sales_courses_cents_in_range(p_from, p_to, p_courses) r
$$;
