-- A password set, reset or removed ends the user's sessions (sessions_end_for_user).
CREATE OR REPLACE TRIGGER user_credentials_end_sessions AFTER UPDATE OF password_hash OR DELETE ON user_credentials FOR EACH ROW
    EXECUTE FUNCTION sessions_end_for_user();
