-- Removed users leave their role's count.
CREATE OR REPLACE FUNCTION user_role_counts_after_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM user_role_counts_add(coalesce((SELECT jsonb_object_agg(role, -n) FROM (
        SELECT role, count(*) AS n FROM old_users WHERE role IS NOT NULL GROUP BY role) d), '{}'));
    RETURN NULL;
END $$;
