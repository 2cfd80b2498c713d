-- Every course has a sales_course row from its insert on (zeros), so a course's deltas always have a folded row to
-- join. sales_title holds, per title, the folded totals of the courses that carry it. Course inserts, deletes and
-- title changes move folded totals under the fold's lock (held to the end of their transaction), so a fold never sees
-- a title that another transaction is changing. Deltas not folded yet are attributed by the reader's current titles.
CREATE OR REPLACE FUNCTION sales_title_on_course_insert() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    INSERT INTO sales_title AS t (title, enrollments, gross_revenue)
    SELECT n.title, sum(s.enrollments), sum(s.gross_revenue)
    FROM new_courses n JOIN sales_course s ON s.course_id = n.course_id
    GROUP BY n.title ORDER BY n.title
    ON CONFLICT (title) DO UPDATE SET enrollments = t.enrollments + excluded.enrollments, gross_revenue = t.gross_revenue + excluded.gross_revenue;
    INSERT INTO sales_course (course_id, enrollments, gross_revenue) SELECT n.course_id, 0, 0.00 FROM new_courses n ORDER BY n.course_id
    ON CONFLICT (course_id) DO NOTHING;
    RETURN NULL;
END
$$;
