-- Keeps a deleted course's title and owner in deleted_courses, so its price changes stay readable in the audit log.
-- SECURITY DEFINER: the runtime role deletes courses (under row-level security) but cannot write that table itself.
-- A course id deleted again (re-inserted with an explicit id) keeps the newest title.
CREATE OR REPLACE FUNCTION remember_deleted_course() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO deleted_courses (course_id, title, instructor_id) VALUES (OLD.course_id, OLD.title, OLD.instructor_id)
    ON CONFLICT (course_id) DO UPDATE SET title = EXCLUDED.title, instructor_id = EXCLUDED.instructor_id, deleted_at = EXCLUDED.deleted_at;
    RETURN OLD;
END;
$$;
REVOKE ALL ON FUNCTION remember_deleted_course() FROM PUBLIC;
