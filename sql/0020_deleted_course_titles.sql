-- Audit entries of a deleted course stay visible. price_changes has no foreign key to courses, so a deleted course's
-- entries stay in the log, but the timeline and its CSV read the title (and, for an instructor's view, the owner) from
-- courses and lost them. A course's title and owner at the moment it is deleted are kept here, by a trigger, so the
-- log can say "deleted course #N" with the title it had and still show it only to the instructor who owned it.
-- Only deletions from now on are recorded: courses deleted before this script left nothing to recover.
CREATE TABLE deleted_courses (
    course_id INT PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    instructor_id UUID,
    deleted_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
-- The per-instructor timeline reads an instructor's deleted courses beside their live ones (as idx_courses_instructor does for courses).
CREATE INDEX idx_deleted_courses_instructor ON deleted_courses (instructor_id);

-- SECURITY DEFINER: the runtime role deletes courses (under row-level security) but cannot write this table itself.
-- A course id deleted again (re-inserted with an explicit id) keeps the newest title.
CREATE FUNCTION remember_deleted_course() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO deleted_courses (course_id, title, instructor_id) VALUES (OLD.course_id, OLD.title, OLD.instructor_id)
    ON CONFLICT (course_id) DO UPDATE SET title = EXCLUDED.title, instructor_id = EXCLUDED.instructor_id, deleted_at = EXCLUDED.deleted_at;
    RETURN OLD;
END;
$$;
REVOKE ALL ON FUNCTION remember_deleted_course() FROM PUBLIC;
CREATE TRIGGER courses_remember_deleted AFTER DELETE ON courses FOR EACH ROW EXECUTE FUNCTION remember_deleted_course();

GRANT SELECT ON deleted_courses TO techcourse_app;
