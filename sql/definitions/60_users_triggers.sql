-- Exact user counts per role (user_role_counts), kept in the same transaction as every write to users.
-- Statement-level with transition tables: one small aggregate per statement, so COPY of a million users costs one
-- GROUP BY, not a million row updates.
CREATE OR REPLACE TRIGGER user_role_counts_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_users FOR EACH STATEMENT EXECUTE FUNCTION user_role_counts_after_insert();
CREATE OR REPLACE TRIGGER user_role_counts_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_users FOR EACH STATEMENT EXECUTE FUNCTION user_role_counts_after_delete();
CREATE OR REPLACE TRIGGER user_role_counts_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_users NEW TABLE AS new_users FOR EACH STATEMENT EXECUTE FUNCTION user_role_counts_after_update();
CREATE OR REPLACE TRIGGER user_role_counts_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION user_role_counts_after_truncate();
