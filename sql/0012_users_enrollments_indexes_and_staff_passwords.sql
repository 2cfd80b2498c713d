-- Fewer, covering indexes for the users and enrollments pages, and staff passwords set by an admin from /users.
-- No index or constraint of the seed (0001) is touched. docs/perf/users-enrollments.md has the plans behind each change.
SET LOCAL maintenance_work_mem = '256MB';

-- enrollments: 11 indexes become 8, which every insert and the full-scale load pay for.
-- 0004's (course_id) INCLUDE (amount_paid) fed per-course totals, which come from the sales rollups since 0006.
DROP INDEX IF EXISTS idx_enrollments_course_amount;
-- One index for the newest-first keyset grid, the CSV export and the sales range breakdowns (index-only on
-- course_id and amount_paid), instead of 0005's keyset index beside 0006's range index.
DROP INDEX IF EXISTS enrollments_enrolled_keyset;
DROP INDEX IF EXISTS idx_enrollments_enrolled_at;
CREATE INDEX enrollments_enrolled_covering ON enrollments (enrolled_at, enrollment_id) INCLUDE (course_id, amount_paid);
-- A student has a handful of enrollments: the seed's (student_id, course_id) key finds them and a sort of a few rows orders them.
DROP INDEX IF EXISTS enrollments_student_keyset;

-- users: the list reads every column from an index in either sort order, and the lower-cased email too (a key
-- column, so it is not recomputed per row), so a search walks the newest (or A–Z) users without touching the table
-- and stops at the first page of matches. Staff are a sliver of the users, so the per-role indexes hold only staff;
-- a Student filter walks the all-users index (99.8 % of it matches).
DROP INDEX users_created_keyset;
CREATE INDEX users_created_covering ON users (created_at, user_id, lower(email)) INCLUDE (email, role, anonymised_at);
DROP INDEX users_email_lower_key;
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email)) INCLUDE (email, role, created_at, user_id, anonymised_at);
DROP INDEX users_role_created_keyset;
CREATE INDEX users_staff_created ON users (role, created_at, user_id, lower(email)) INCLUDE (email, anonymised_at) WHERE role <> 'Student';
DROP INDEX users_role_email_keyset;
CREATE INDEX users_staff_email ON users (role, lower(email)) INCLUDE (email, created_at, user_id, anonymised_at) WHERE role <> 'Student';

-- An admin gives a staff account a password (a new one, or a reset): the app hashes a generated password and shows
-- it once; the database stores the hash and clears the failed attempts, so a locked-out account can sign in again.
CREATE FUNCTION set_user_password(p_user UUID, p_password_hash TEXT) RETURNS UUID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM require_admin();
    IF NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_user AND anonymised_at IS NULL FOR UPDATE) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '23503', CONSTRAINT = 'users_not_found';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_user AND role IN ('Admin', 'Instructor', 'Accounting')) THEN
        RAISE EXCEPTION 'only staff sign in' USING ERRCODE = '23514', CONSTRAINT = 'users_password_staff_only';
    END IF;
    IF coalesce(btrim(p_password_hash), '') = '' THEN
        RAISE EXCEPTION 'empty password hash' USING ERRCODE = '23514', CONSTRAINT = 'user_credentials_hash';
    END IF;
    INSERT INTO user_credentials (user_id, password_hash) VALUES (p_user, p_password_hash)
    ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now();
    DELETE FROM sign_in_attempts WHERE user_id = p_user;
    RETURN p_user;
END;
$$;

REVOKE ALL ON FUNCTION set_user_password(UUID, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION set_user_password(UUID, TEXT) TO techcourse_app;
