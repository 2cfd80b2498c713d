-- Home pages (issue 21): when the maintenance jobs last did their work, for the admin's system health. One row per
-- job, overwritten: sales_fold (by sales_rollups_fold, whenever it moved deltas) and audit_verify (by the app after an
-- integrity verification of the price-change chain).
CREATE TABLE maintenance_runs (
    job TEXT PRIMARY KEY CHECK (job IN ('sales_fold', 'audit_verify')),
    ran_at TIMESTAMPTZ NOT NULL,
    succeeded BOOLEAN NOT NULL,
    detail TEXT CHECK (char_length(detail) <= 500)
);
REVOKE ALL ON maintenance_runs FROM PUBLIC;
GRANT SELECT ON maintenance_runs TO techcourse_app;
