-- Refuses to take away the instructor role (or the person) while they still teach courses.
CREATE OR REPLACE FUNCTION ensure_no_courses(p_user UUID) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM courses WHERE instructor_id = p_user) THEN
        RAISE EXCEPTION 'the user still teaches courses' USING ERRCODE = '23503', CONSTRAINT = 'users_has_courses';
    END IF;
END;
$$;

REVOKE ALL ON FUNCTION ensure_no_courses(UUID) FROM PUBLIC;
