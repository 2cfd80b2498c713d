-- p_running (or zeros) plus, from each position p_at[k] on, p_add[k]: the running totals after adding the changes at
-- those positions (p_at ascending, without repeats). The fold calls it once per touched row.
CREATE OR REPLACE FUNCTION sales_running_apply(p_running BIGINT[], p_len INT, p_at INT[], p_add BIGINT[]) RETURNS BIGINT[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_result BIGINT[] := coalesce(p_running, array_fill(0::bigint, ARRAY[p_len]));
    v_add BIGINT := 0;
    v_next INT := 1;
BEGIN
    FOR i IN p_at[1]..p_len LOOP
        WHILE v_next <= cardinality(p_at) AND p_at[v_next] = i LOOP
            v_add := v_add + p_add[v_next];
            v_next := v_next + 1;
        END LOOP;
        v_result[i] := v_result[i] + v_add;
    END LOOP;
    RETURN v_result;
END
$$;
