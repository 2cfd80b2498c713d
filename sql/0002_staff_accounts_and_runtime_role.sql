-- Staff accounts: an Accounting role beside the seed's three, credentials kept outside users, sign-in attempts
-- counted in the database (lockout holds across restarts and instances).
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('Student', 'Instructor', 'Admin', 'Accounting'));

CREATE TABLE user_credentials (
    user_id UUID PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE sign_in_attempts (
    attempt_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id UUID REFERENCES users(user_id) ON DELETE CASCADE,
    succeeded BOOLEAN NOT NULL,
    remote_address TEXT,
    attempted_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_sign_in_attempts_user_time ON sign_in_attempts (user_id, attempted_at DESC);

-- The runtime group role: owns nothing, reads what the pages read, writes only through the policies below.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'techcourse_app') THEN
        CREATE ROLE techcourse_app NOLOGIN;
    END IF;
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO techcourse_app;
GRANT SELECT ON users, courses, enrollments, price_changes, daily_sales_report, user_credentials TO techcourse_app;
GRANT UPDATE (price, title, is_published, quiz_metadata, instructor_id) ON courses TO techcourse_app;

-- Who is acting: set per transaction by the app with set_config('app.user_id', …, true). The role is looked up,
-- not trusted from the session, so a bug that sets a wrong app.role cannot widen what the database allows.
CREATE FUNCTION app_user_id() RETURNS UUID
LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('app.user_id', true), '')::uuid
$$;

CREATE FUNCTION app_user_role() RETURNS TEXT
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT role FROM users WHERE user_id = app_user_id()
$$;
REVOKE ALL ON FUNCTION app_user_role() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_user_id(), app_user_role() TO techcourse_app;

-- Row-level security binds the runtime role only (the owner, and so migrations and the seed's own statements, bypass it).
ALTER TABLE courses ENABLE ROW LEVEL SECURITY;
CREATE POLICY courses_read ON courses FOR SELECT TO techcourse_app USING (true);
CREATE POLICY courses_insert ON courses FOR INSERT TO techcourse_app
    WITH CHECK (app_user_role() = 'Admin' OR (app_user_role() = 'Instructor' AND instructor_id = app_user_id()));
CREATE POLICY courses_update ON courses FOR UPDATE TO techcourse_app
    USING (app_user_role() = 'Admin' OR (app_user_role() = 'Instructor' AND instructor_id = app_user_id()))
    WITH CHECK (app_user_role() = 'Admin' OR (app_user_role() = 'Instructor' AND instructor_id = app_user_id()));
CREATE POLICY courses_delete ON courses FOR DELETE TO techcourse_app
    USING (app_user_role() = 'Admin' OR (app_user_role() = 'Instructor' AND instructor_id = app_user_id()));

-- The audit log is written by its trigger, as the owner: the runtime role cannot forge, edit or erase entries.
ALTER FUNCTION audit_course_price() SECURITY DEFINER SET search_path = public;

-- Sign-in bookkeeping goes through functions, so the runtime role needs no direct write on these tables.
CREATE FUNCTION record_sign_in_attempt(p_user_id UUID, p_succeeded BOOLEAN, p_remote_address TEXT) RETURNS VOID
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    INSERT INTO sign_in_attempts (user_id, succeeded, remote_address) VALUES (p_user_id, p_succeeded, p_remote_address)
$$;

CREATE FUNCTION recent_sign_in_failures(p_user_id UUID, p_window INTERVAL) RETURNS INTEGER
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT count(*)::int FROM sign_in_attempts a
    WHERE a.user_id = p_user_id AND NOT a.succeeded AND a.attempted_at > NOW() - p_window
      AND a.attempted_at > COALESCE((SELECT max(s.attempted_at) FROM sign_in_attempts s WHERE s.user_id = p_user_id AND s.succeeded), '-infinity')
$$;
REVOKE ALL ON FUNCTION record_sign_in_attempt(UUID, BOOLEAN, TEXT), recent_sign_in_failures(UUID, INTERVAL) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_sign_in_attempt(UUID, BOOLEAN, TEXT), recent_sign_in_failures(UUID, INTERVAL) TO techcourse_app;
