-- Moves an instructor's courses to another active instructor (before their role changes or they are removed).
CREATE OR REPLACE FUNCTION reassign_courses(p_from UUID, p_to UUID) RETURNS INTEGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_count INTEGER;
BEGIN
    PERFORM require_admin();
    IF p_from = p_to OR NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_to AND role = 'Instructor' AND anonymised_at IS NULL FOR SHARE) THEN
        RAISE EXCEPTION 'courses go to another active instructor' USING ERRCODE = '23514', CONSTRAINT = 'courses_reassign_target';
    END IF;
    UPDATE courses SET instructor_id = p_to WHERE instructor_id = p_from;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

REVOKE ALL ON FUNCTION reassign_courses(UUID, UUID) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reassign_courses(UUID, UUID) TO techcourse_app;
