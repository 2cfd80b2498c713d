-- The quarter hour of the UTC day an instant falls in, 0..95 (the number of whole quarter hours before it).
CREATE OR REPLACE FUNCTION sales_quarter(t TIMESTAMPTZ) RETURNS INT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (date_part('hour', t AT TIME ZONE 'UTC') * 4 + floor(date_part('minute', t AT TIME ZONE 'UTC') / 15))::int
$$;
