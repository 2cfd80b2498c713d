-- Records the outcome of the latest integrity verification of the price-change chain (the app calls it after each
-- verification it runs), for the admin home page's system health.
CREATE OR REPLACE FUNCTION audit_verification_record(p_succeeded BOOLEAN, p_detail TEXT)
RETURNS VOID
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO maintenance_runs (job, ran_at, succeeded, detail) VALUES ('audit_verify', now(), p_succeeded, left(p_detail, 500))
    ON CONFLICT (job) DO UPDATE SET ran_at = excluded.ran_at, succeeded = excluded.succeeded, detail = excluded.detail;
    SELECT pg_notify('home_changes', 'maintenance_runs');
$$;

REVOKE ALL ON FUNCTION audit_verification_record(BOOLEAN, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_verification_record(BOOLEAN, TEXT) TO techcourse_app;
