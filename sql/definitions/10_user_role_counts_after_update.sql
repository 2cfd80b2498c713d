-- Role changes move users between counts.
CREATE OR REPLACE FUNCTION user_role_counts_after_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM user_role_counts_add(coalesce((SELECT jsonb_object_agg(role, n) FROM (
        SELECT role, sum(n) AS n FROM (
            SELECT role, 1 AS n FROM new_users UNION ALL SELECT role, -1 FROM old_users) changes
        WHERE role IS NOT NULL GROUP BY role) d), '{}'));
    RETURN NULL;
END $$;
