-- Audit entries of a deleted course stay visible. price_changes has no foreign key to courses, so a deleted course's
-- entries stay in the log, but the timeline and its CSV read the title (and, for an instructor's view, the owner) from
-- courses and lost them. A course's title and owner at the moment it is deleted are kept here, by a trigger
-- (remember_deleted_course, sql/definitions), so the log can say "deleted course #N" with the title it had and still
-- show it only to the instructor who owned it. Only deletions from now on are recorded: courses deleted before this
-- script left nothing to recover.
CREATE TABLE deleted_courses (
    course_id INT PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    instructor_id UUID,
    deleted_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
-- The per-instructor timeline reads an instructor's deleted courses beside their live ones (as idx_courses_instructor does for courses).
CREATE INDEX idx_deleted_courses_instructor ON deleted_courses (instructor_id);

-- The runtime role reads it; only the trigger (SECURITY DEFINER) writes it.
GRANT SELECT ON deleted_courses TO techcourse_app;
