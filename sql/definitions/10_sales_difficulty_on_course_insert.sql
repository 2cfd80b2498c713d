-- New courses join their difficulty.
CREATE OR REPLACE FUNCTION sales_difficulty_on_course_insert() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_difficulty_add(1, ARRAY(SELECT n.course_id FROM new_courses n ORDER BY n.course_id),
                                    ARRAY(SELECT n.quiz_metadata FROM new_courses n ORDER BY n.course_id));
    RETURN NULL;
END
$$;
