-- Users and enrollments managed from the app: one person per email whatever its case, fast search and keyset
-- paging at a million users / five million enrollments, enrollments at the frozen price, removals that keep revenue.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The seed's users_email_key stays; this one makes Student@Gmail.com and student@gmail.com the same person.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
-- Substring search: trigram indexes under the "C" collation, queried as `email COLLATE "C" ILIKE …`, whose recheck
-- folds ASCII case cheaply (ILIKE under C.UTF-8 costs several µs a row, which dominates a search with thousands of hits).
CREATE INDEX users_email_trgm ON users USING gin ((email COLLATE "C") gin_trgm_ops);
CREATE INDEX IF NOT EXISTS courses_title_trgm ON courses USING gin ((title COLLATE "C") gin_trgm_ops);
CREATE INDEX users_created_keyset ON users (created_at, user_id);
CREATE INDEX users_role_created_keyset ON users (role, created_at, user_id);
CREATE INDEX users_role_email_keyset ON users (role, email);

ALTER TABLE users ADD COLUMN anonymised_at TIMESTAMPTZ;

-- What the course cost when the enrollment was saved, why an admin charged something else, who saved it, and the
-- form's token: a double-click or a retry of the same form finds the row already there instead of a second one.
ALTER TABLE enrollments
    ADD COLUMN list_price NUMERIC(10, 2),
    ADD COLUMN amount_override_reason TEXT,
    ADD COLUMN enrolled_by UUID REFERENCES users(user_id),
    ADD COLUMN request_token UUID,
    ADD CONSTRAINT enrollments_amount_paid_check CHECK (amount_paid >= 0),
    ADD CONSTRAINT enrollments_override_reason_check
        CHECK (amount_override_reason IS NULL OR char_length(btrim(amount_override_reason)) BETWEEN 1 AND 500);

CREATE UNIQUE INDEX enrollments_request_token_key ON enrollments (request_token) WHERE request_token IS NOT NULL;
CREATE INDEX enrollments_course_keyset ON enrollments (course_id, enrolled_at, enrollment_id);
CREATE INDEX enrollments_student_keyset ON enrollments (student_id, enrolled_at, enrollment_id);
CREATE INDEX enrollments_enrolled_keyset ON enrollments (enrolled_at, enrollment_id);
CREATE INDEX enrollments_enrolled_by ON enrollments (enrolled_by) WHERE enrolled_by IS NOT NULL;
CREATE INDEX price_changes_changed_by ON price_changes (changed_by) WHERE changed_by IS NOT NULL;

-- Every function below acts for the signed-in admin read from app.user_id (looked up, never trusted from the app)
-- and raises errors with a constraint name the app maps to a field message.
CREATE FUNCTION require_admin() RETURNS VOID
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF app_user_role() IS DISTINCT FROM 'Admin' THEN
        RAISE EXCEPTION 'only an admin may do this' USING ERRCODE = '42501';
    END IF;
END;
$$;

CREATE FUNCTION create_user(p_email TEXT, p_role TEXT) RETURNS UUID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_email TEXT := btrim(p_email);
    v_id UUID;
BEGIN
    PERFORM require_admin();
    IF v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' OR char_length(v_email) > 150 THEN
        RAISE EXCEPTION 'not an email address' USING ERRCODE = '23514', CONSTRAINT = 'users_email_format';
    END IF;
    INSERT INTO users (email, role) VALUES (v_email, p_role) RETURNING user_id INTO v_id;
    RETURN v_id;
END;
$$;

-- Admin rows are locked before counting, so two admins demoting each other at once cannot both succeed.
CREATE FUNCTION ensure_not_last_admin(p_user UUID) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM users WHERE role = 'Admin' AND anonymised_at IS NULL ORDER BY user_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM users WHERE user_id = p_user AND role = 'Admin' AND anonymised_at IS NULL)
       AND (SELECT count(*) FROM users WHERE role = 'Admin' AND anonymised_at IS NULL) <= 1 THEN
        RAISE EXCEPTION 'the last admin must stay an admin' USING ERRCODE = '23514', CONSTRAINT = 'users_last_admin';
    END IF;
END;
$$;

CREATE FUNCTION ensure_no_courses(p_user UUID) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM courses WHERE instructor_id = p_user) THEN
        RAISE EXCEPTION 'the user still teaches courses' USING ERRCODE = '23503', CONSTRAINT = 'users_has_courses';
    END IF;
END;
$$;

CREATE FUNCTION change_user_role(p_user UUID, p_role TEXT) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM require_admin();
    IF NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_user AND anonymised_at IS NULL FOR UPDATE) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '23503', CONSTRAINT = 'users_not_found';
    END IF;
    IF p_role IS DISTINCT FROM 'Admin' THEN PERFORM ensure_not_last_admin(p_user); END IF;
    IF p_role IS DISTINCT FROM 'Instructor' THEN PERFORM ensure_no_courses(p_user); END IF;
    UPDATE users SET role = p_role WHERE user_id = p_user;
END;
$$;

CREATE FUNCTION reassign_courses(p_from UUID, p_to UUID) RETURNS INTEGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_count INTEGER;
BEGIN
    PERFORM require_admin();
    IF p_from = p_to OR NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_to AND role = 'Instructor' AND anonymised_at IS NULL FOR SHARE) THEN
        RAISE EXCEPTION 'courses go to another active instructor' USING ERRCODE = '23514', CONSTRAINT = 'courses_reassign_target';
    END IF;
    UPDATE courses SET instructor_id = p_to WHERE instructor_id = p_from;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

-- Keeps the person's enrollments and amounts (revenue history); removes what identifies them and their sign-in.
CREATE FUNCTION anonymise_user(p_user UUID) RETURNS TEXT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_placeholder TEXT := 'removed-' || replace(p_user::text, '-', '') || '@anonymised.invalid';
BEGIN
    PERFORM require_admin();
    IF p_user = app_user_id() THEN
        RAISE EXCEPTION 'you cannot remove yourself' USING ERRCODE = '23514', CONSTRAINT = 'users_remove_self';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_user AND anonymised_at IS NULL FOR UPDATE) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '23503', CONSTRAINT = 'users_not_found';
    END IF;
    PERFORM ensure_not_last_admin(p_user);
    PERFORM ensure_no_courses(p_user);
    UPDATE users SET email = v_placeholder, anonymised_at = NOW() WHERE user_id = p_user;
    DELETE FROM user_credentials WHERE user_id = p_user;
    DELETE FROM sign_in_attempts WHERE user_id = p_user;
    RETURN v_placeholder;
END;
$$;

-- Only someone who left no history: the seed's ON DELETE CASCADE would otherwise erase their paid enrollments.
CREATE FUNCTION delete_user(p_user UUID) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM require_admin();
    IF p_user = app_user_id() THEN
        RAISE EXCEPTION 'you cannot remove yourself' USING ERRCODE = '23514', CONSTRAINT = 'users_remove_self';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM users WHERE user_id = p_user FOR UPDATE) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '23503', CONSTRAINT = 'users_not_found';
    END IF;
    PERFORM ensure_not_last_admin(p_user);
    PERFORM ensure_no_courses(p_user);
    IF EXISTS (SELECT 1 FROM enrollments WHERE student_id = p_user)
       OR EXISTS (SELECT 1 FROM enrollments WHERE enrolled_by = p_user)
       OR EXISTS (SELECT 1 FROM price_changes WHERE changed_by = p_user) THEN
        RAISE EXCEPTION 'the user has history' USING ERRCODE = '23503', CONSTRAINT = 'users_has_history';
    END IF;
    DELETE FROM users WHERE user_id = p_user;
END;
$$;

-- The course row is read FOR SHARE: a price update waits for this transaction (or this one waits for it and then
-- reads the committed price), so the amount stored is the price at the moment of saving. A price that differs from
-- the one the form showed is reported back instead of saved.
CREATE FUNCTION enroll_student(p_request_token UUID, p_student UUID, p_course INTEGER, p_shown_price NUMERIC,
                               p_override_amount NUMERIC, p_override_reason TEXT)
RETURNS TABLE (outcome TEXT, enrollment_id INTEGER, amount_paid NUMERIC, current_price NUMERIC, enrolled_at TIMESTAMPTZ)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_price NUMERIC;
    v_published BOOLEAN;
    v_amount NUMERIC;
    v_reason TEXT := NULLIF(btrim(p_override_reason), '');
BEGIN
    PERFORM require_admin();
    RETURN QUERY SELECT 'replayed', e.enrollment_id, e.amount_paid, e.list_price, e.enrolled_at
                 FROM enrollments e WHERE e.request_token = p_request_token;
    IF FOUND THEN RETURN; END IF;

    IF NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = p_student AND u.role = 'Student' AND u.anonymised_at IS NULL FOR SHARE) THEN
        RAISE EXCEPTION 'not an active student' USING ERRCODE = '23514', CONSTRAINT = 'enrollments_student_is_student';
    END IF;
    SELECT c.price, c.is_published INTO v_price, v_published FROM courses c WHERE c.course_id = p_course FOR SHARE;
    IF NOT FOUND OR NOT coalesce(v_published, false) THEN
        RAISE EXCEPTION 'course not published' USING ERRCODE = '23514', CONSTRAINT = 'enrollments_course_is_published';
    END IF;

    IF p_override_amount IS NULL THEN
        IF p_shown_price IS DISTINCT FROM v_price THEN
            RETURN QUERY SELECT 'price_changed', NULL::INTEGER, NULL::NUMERIC, v_price, NULL::TIMESTAMPTZ;
            RETURN;
        END IF;
        v_amount := v_price;
        v_reason := NULL;
    ELSE
        IF p_override_amount < 0 OR p_override_amount <> round(p_override_amount, 2) OR p_override_amount >= 100000000 THEN
            RAISE EXCEPTION 'amount out of range' USING ERRCODE = '23514', CONSTRAINT = 'enrollments_amount_paid_check';
        END IF;
        IF v_reason IS NULL THEN
            RAISE EXCEPTION 'an override needs a reason' USING ERRCODE = '23514', CONSTRAINT = 'enrollments_override_reason_check';
        END IF;
        v_amount := p_override_amount;
    END IF;

    RETURN QUERY
    INSERT INTO enrollments AS e (student_id, course_id, amount_paid, list_price, amount_override_reason, enrolled_by, request_token)
    VALUES (p_student, p_course, v_amount, v_price, v_reason, app_user_id(), p_request_token)
    ON CONFLICT (request_token) WHERE request_token IS NOT NULL DO NOTHING
    RETURNING 'created', e.enrollment_id, e.amount_paid, e.list_price, e.enrolled_at;
    IF FOUND THEN RETURN; END IF;
    -- The same form was saved concurrently and that save committed first.
    RETURN QUERY SELECT 'replayed', e.enrollment_id, e.amount_paid, e.list_price, e.enrolled_at
                 FROM enrollments e WHERE e.request_token = p_request_token;
END;
$$;

REVOKE ALL ON FUNCTION require_admin(), create_user(TEXT, TEXT), ensure_not_last_admin(UUID), ensure_no_courses(UUID),
    change_user_role(UUID, TEXT), reassign_courses(UUID, UUID), anonymise_user(UUID), delete_user(UUID),
    enroll_student(UUID, UUID, INTEGER, NUMERIC, NUMERIC, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION create_user(TEXT, TEXT), change_user_role(UUID, TEXT), reassign_courses(UUID, UUID),
    anonymise_user(UUID), delete_user(UUID), enroll_student(UUID, UUID, INTEGER, NUMERIC, NUMERIC, TEXT) TO techcourse_app;
