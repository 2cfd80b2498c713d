-- Append-only: no UPDATE, DELETE or TRUNCATE, even by the owner, unless the transaction says
-- SET LOCAL techcourse.audit_maintenance = 'on' (sealing is the one UPDATE let through; see the function).
CREATE OR REPLACE TRIGGER price_changes_append_only BEFORE UPDATE OR DELETE ON price_changes
    FOR EACH ROW EXECUTE FUNCTION price_changes_append_only();
CREATE OR REPLACE TRIGGER price_changes_no_truncate BEFORE TRUNCATE ON price_changes
    FOR EACH STATEMENT EXECUTE FUNCTION price_changes_append_only();
