-- Exact user counts per role for the dashboard, kept in the same transaction as every write to users.
-- Statement-level triggers with transition tables: one small aggregate per statement, so COPY of a million
-- users costs one GROUP BY, not a million row updates. Users are created by admins one at a time, so a row per
-- role is not a hot spot (enrollments, the hot path, have split counters in 0006).
CREATE TABLE user_role_counts (
    role  VARCHAR(50) PRIMARY KEY,
    users BIGINT NOT NULL
);

-- Holds off writes to users until the migration's transaction ends (a no-op lock when run statement by statement).
DO $$ BEGIN LOCK TABLE users IN SHARE MODE; END $$;
INSERT INTO user_role_counts (role, users)
SELECT role, count(*) FROM users WHERE role IS NOT NULL GROUP BY role;

CREATE FUNCTION user_role_counts_add(deltas JSONB) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO user_role_counts AS c (role, users)
    SELECT d.key, d.value::bigint FROM jsonb_each_text(deltas) d WHERE d.value::bigint <> 0 ORDER BY d.key
    ON CONFLICT (role) DO UPDATE SET users = c.users + EXCLUDED.users;
$$;

CREATE FUNCTION user_role_counts_after_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM user_role_counts_add(coalesce((SELECT jsonb_object_agg(role, n) FROM (
        SELECT role, count(*) AS n FROM new_users WHERE role IS NOT NULL GROUP BY role) d), '{}'));
    RETURN NULL;
END $$;

CREATE FUNCTION user_role_counts_after_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM user_role_counts_add(coalesce((SELECT jsonb_object_agg(role, -n) FROM (
        SELECT role, count(*) AS n FROM old_users WHERE role IS NOT NULL GROUP BY role) d), '{}'));
    RETURN NULL;
END $$;

CREATE FUNCTION user_role_counts_after_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM user_role_counts_add(coalesce((SELECT jsonb_object_agg(role, n) FROM (
        SELECT role, sum(n) AS n FROM (
            SELECT role, 1 AS n FROM new_users UNION ALL SELECT role, -1 FROM old_users) changes
        WHERE role IS NOT NULL GROUP BY role) d), '{}'));
    RETURN NULL;
END $$;

CREATE FUNCTION user_role_counts_after_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE user_role_counts SET users = 0;
    RETURN NULL;
END $$;

CREATE TRIGGER user_role_counts_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_users FOR EACH STATEMENT EXECUTE FUNCTION user_role_counts_after_insert();
CREATE TRIGGER user_role_counts_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_users FOR EACH STATEMENT EXECUTE FUNCTION user_role_counts_after_delete();
CREATE TRIGGER user_role_counts_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_users NEW TABLE AS new_users FOR EACH STATEMENT EXECUTE FUNCTION user_role_counts_after_update();
CREATE TRIGGER user_role_counts_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION user_role_counts_after_truncate();

REVOKE ALL ON FUNCTION user_role_counts_add(JSONB) FROM PUBLIC;
GRANT SELECT ON user_role_counts TO techcourse_app;
