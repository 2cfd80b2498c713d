-- TRUNCATE enrollments empties every rollup.
CREATE OR REPLACE FUNCTION sales_delta_on_truncate() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_rollups_clear();
    RETURN NULL;
END
$$;
