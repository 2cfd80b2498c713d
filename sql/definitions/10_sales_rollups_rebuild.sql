-- Recomputes every rollup from enrollments, sales_difficulty included (`rollups rebuild`).
CREATE OR REPLACE FUNCTION sales_rollups_rebuild() RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM sales_sums_rebuild();
    PERFORM sales_difficulty_rebuild();
END
$$;

REVOKE ALL ON FUNCTION sales_rollups_rebuild() FROM PUBLIC;
