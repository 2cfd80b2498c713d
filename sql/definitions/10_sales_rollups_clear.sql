-- Empties every rollup, sales_difficulty included (what TRUNCATE enrollments calls).
CREATE OR REPLACE FUNCTION sales_rollups_clear() RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_sums_clear();
    PERFORM sales_difficulty_rebuild();
END
$$;

REVOKE ALL ON FUNCTION sales_rollups_clear() FROM PUBLIC;
