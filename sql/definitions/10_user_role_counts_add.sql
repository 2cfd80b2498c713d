-- Adds per-role deltas to user_role_counts (the dashboard's exact counts), in role order.
CREATE OR REPLACE FUNCTION user_role_counts_add(deltas JSONB) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO user_role_counts AS c (role, users)
    SELECT d.key, d.value::bigint FROM jsonb_each_text(deltas) d WHERE d.value::bigint <> 0 ORDER BY d.key
    ON CONFLICT (role) DO UPDATE SET users = c.users + EXCLUDED.users;
$$;

REVOKE ALL ON FUNCTION user_role_counts_add(JSONB) FROM PUBLIC;
