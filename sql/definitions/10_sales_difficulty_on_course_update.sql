-- A quiz_metadata change moves the course from its old difficulty to its new one.
CREATE OR REPLACE FUNCTION sales_difficulty_on_course_update() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_difficulty_add(-1, ARRAY[OLD.course_id], ARRAY[OLD.quiz_metadata]);
    PERFORM sales_difficulty_add(1, ARRAY[NEW.course_id], ARRAY[NEW.quiz_metadata]);
    RETURN NULL;
END
$$;
