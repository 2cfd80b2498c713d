-- The admin home page follows sign-ins and ended sessions (a session that times out changes nothing here; the page
-- reads again every minute).
CREATE OR REPLACE TRIGGER home_notify_sessions AFTER INSERT OR DELETE OR UPDATE OF ended_at ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION home_notify();
