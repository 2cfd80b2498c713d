-- Every difference between the rollups and a recomputation (none = exact): one query, so both checks see the
-- caller's snapshot. What `rollups verify` prints.
CREATE OR REPLACE FUNCTION sales_rollups_differences()
RETURNS TABLE (rollup TEXT, key TEXT, expected_enrollments BIGINT, actual_enrollments BIGINT, expected_amount NUMERIC, actual_amount NUMERIC)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT * FROM sales_sums_differences()
    UNION ALL
    SELECT * FROM sales_difficulty_differences()
    ORDER BY 1, 2
$$;

REVOKE ALL ON FUNCTION sales_rollups_differences() FROM PUBLIC;
