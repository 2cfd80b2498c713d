-- What the admin home page's system health reads, in one snapshot. SECURITY DEFINER: the runtime role cannot read
-- sessions or the migrations journal; this gives it counts and script names only. applied_scripts is NULL when the
-- schema was applied without the app (plain psql keeps no journal).
CREATE OR REPLACE FUNCTION home_health()
RETURNS TABLE (applied_scripts TEXT[], sealed_up_to BIGINT, unsealed BIGINT, deltas_waiting BIGINT, last_fold_at TIMESTAMPTZ,
               last_verified_at TIMESTAMPTZ, last_verified_ok BOOLEAN, last_verified_detail TEXT, signed_in_sessions BIGINT)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_scripts TEXT[];
BEGIN
    IF to_regclass('public.schemaversions') IS NOT NULL THEN
        EXECUTE 'SELECT coalesce(array_agg(scriptname::text), ''{}'') FROM public.schemaversions' INTO v_scripts;
    END IF;
    RETURN QUERY
    SELECT v_scripts,
           coalesce((SELECT p.seal_seq FROM price_changes p WHERE p.seal_seq IS NOT NULL ORDER BY p.seal_seq DESC LIMIT 1),
                    (SELECT a.anchor_seq FROM price_change_chain_anchor a), 0)::bigint,
           (SELECT count(*) FROM price_changes p WHERE p.seal_seq IS NULL),
           (SELECT count(*) FROM sales_deltas),
           (SELECT m.ran_at FROM maintenance_runs m WHERE m.job = 'sales_fold'),
           v.ran_at, v.succeeded, v.detail,
           (SELECT count(*) FROM sessions s
            WHERE s.ended_at IS NULL AND s.expires_at > now() AND s.last_seen_at + s.idle_timeout > now())
    FROM (SELECT 1) one
    LEFT JOIN maintenance_runs v ON v.job = 'audit_verify';
END
$$;

REVOKE ALL ON FUNCTION home_health() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION home_health() TO techcourse_app;
