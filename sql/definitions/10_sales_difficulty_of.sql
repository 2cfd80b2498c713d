-- The difficulty a course counts under in sales_difficulty.
CREATE OR REPLACE FUNCTION sales_difficulty_of(p_metadata JSONB) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(p_metadata OPERATOR(pg_catalog.->>) 'difficulty', '(none)')
$$;
