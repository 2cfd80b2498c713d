-- Every write on enrollments appends signed rows to sales_deltas (folded into the rollups by sales_rollups_fold);
-- an update only when it changes what the rollups count. TRUNCATE empties every rollup.
CREATE OR REPLACE TRIGGER sales_delta_insert AFTER INSERT ON enrollments
    FOR EACH ROW EXECUTE FUNCTION sales_delta_on_insert();
CREATE OR REPLACE TRIGGER sales_delta_delete AFTER DELETE ON enrollments
    FOR EACH ROW EXECUTE FUNCTION sales_delta_on_delete();
CREATE OR REPLACE TRIGGER sales_delta_update AFTER UPDATE OF course_id, amount_paid, enrolled_at ON enrollments
    FOR EACH ROW WHEN (OLD.course_id IS DISTINCT FROM NEW.course_id OR OLD.amount_paid IS DISTINCT FROM NEW.amount_paid
                       OR OLD.enrolled_at IS DISTINCT FROM NEW.enrolled_at)
    EXECUTE FUNCTION sales_delta_on_update();
CREATE OR REPLACE TRIGGER sales_delta_truncate AFTER TRUNCATE ON enrollments
    FOR EACH STATEMENT EXECUTE FUNCTION sales_delta_on_truncate();
