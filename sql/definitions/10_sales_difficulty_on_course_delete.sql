-- Deleted courses leave their difficulty.
CREATE OR REPLACE FUNCTION sales_difficulty_on_course_delete() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_difficulty_add(-1, ARRAY(SELECT o.course_id FROM old_courses o ORDER BY o.course_id),
                                     ARRAY(SELECT o.quiz_metadata FROM old_courses o ORDER BY o.course_id));
    RETURN NULL;
END
$$;
