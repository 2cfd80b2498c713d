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

-- A role, email or anonymisation change ends the user's sessions (sessions_end_for_user).
CREATE OR REPLACE TRIGGER users_end_sessions AFTER UPDATE OF role, email, anonymised_at ON users FOR EACH ROW
    WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.email IS DISTINCT FROM NEW.email OR OLD.anonymised_at IS DISTINCT FROM NEW.anonymised_at)
    EXECUTE FUNCTION sessions_end_for_user();

-- The home pages follow new, removed and re-roled users.
CREATE OR REPLACE TRIGGER home_notify_users AFTER INSERT OR DELETE OR UPDATE OF role, email, anonymised_at ON users
    FOR EACH STATEMENT EXECUTE FUNCTION home_notify();
