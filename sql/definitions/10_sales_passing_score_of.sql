-- The passing score when it is a JSON number, else NULL (it then neither counts nor averages).
CREATE OR REPLACE FUNCTION sales_passing_score_of(p_metadata JSONB) RETURNS NUMERIC
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pg_catalog.jsonb_typeof(p_metadata OPERATOR(pg_catalog.->) 'passing_score') OPERATOR(pg_catalog.=) 'number'
                THEN (p_metadata OPERATOR(pg_catalog.->>) 'passing_score')::numeric END
$$;
