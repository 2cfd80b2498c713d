-- The same checks for less work on every write.
--
-- app_user_role() was a SECURITY DEFINER SQL function: such a function is never inlined, so every call parsed and
-- planned its query again (twice per course update through the row-level-security policies, once per enrollment
-- through require_admin()). As PL/pgSQL its plan is cached for the session. Same lookup, same answer.
CREATE OR REPLACE FUNCTION app_user_role() RETURNS TEXT
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN (SELECT role FROM users WHERE user_id = app_user_id());
END;
$$;

-- Every price change made in the app (changed_by set) was entered in two indexes on changed_by: this one (0005, for
-- "has this user any history" and the foreign key's checks) and idx_price_changes_actor_timeline (0007), whose
-- leading column and predicate serve the same lookups.
DROP INDEX IF EXISTS price_changes_changed_by;

-- A bulk load (BulkLoader: seed, the benchmark's load) commits its rows first and then rebuilds the indexes, unique
-- keys, foreign keys and rollups it dropped over several connections at once. The statements still to run are kept
-- here, in the transaction that dropped them and then each in the transaction that runs it, so a load that was
-- interrupted is finished (or, if that fails, emptied) by the next start: the database is never left half-built.
CREATE TABLE bulk_load_pending (
    position INT PRIMARY KEY,
    wave INT NOT NULL CHECK (wave IN (1, 2, 3)),  -- 1: indexes and the rollups, 2: unique keys on their indexes, 3: foreign keys
    statement TEXT NOT NULL
);
REVOKE ALL ON bulk_load_pending FROM PUBLIC;
