-- The courses a campaign is created or edited with: at least one, each once, each existing, and each the actor's own
-- when the actor is an Instructor. Raises with the constraint name the app maps to a message.
CREATE OR REPLACE FUNCTION price_campaign_courses_check(p_courses INT[], p_actor UUID, p_role TEXT) RETURNS VOID
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_missing INT;
    v_not_owned INT;
BEGIN
    IF coalesce(cardinality(p_courses), 0) = 0 THEN
        RAISE EXCEPTION 'a campaign needs at least one course' USING ERRCODE = '23514', CONSTRAINT = 'price_campaign_courses_some';
    END IF;
    IF cardinality(p_courses) <> (SELECT count(DISTINCT x) FROM unnest(p_courses) x) THEN
        RAISE EXCEPTION 'a course is listed twice' USING ERRCODE = '23505', CONSTRAINT = 'price_campaign_courses_pkey';
    END IF;
    SELECT x.id INTO v_missing FROM unnest(p_courses) x(id) WHERE NOT EXISTS (SELECT 1 FROM courses c WHERE c.course_id = x.id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'course % no longer exists', v_missing USING ERRCODE = '23503', CONSTRAINT = 'price_campaign_courses_course';
    END IF;
    IF p_role = 'Instructor' THEN
        SELECT c.course_id INTO v_not_owned FROM courses c
        WHERE c.course_id = ANY (p_courses) AND c.instructor_id IS DISTINCT FROM p_actor LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'course % is not yours', v_not_owned USING ERRCODE = '42501', CONSTRAINT = 'price_campaign_courses_not_yours';
        END IF;
    END IF;
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_courses_check(INTEGER[], UUID, TEXT) FROM PUBLIC;
