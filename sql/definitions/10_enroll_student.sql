-- Saves an enrollment at the price the course has now. The course row is read FOR SHARE: a price update waits for this
-- transaction (or this one waits for it and then reads the committed price), so the amount stored is the price at
-- the moment of saving; a price that differs from the one the form showed is reported back instead of saved. The
-- form's request token makes a double click or a retry return the first save's row: saves of one token are taken one
-- at a time (a transaction-level advisory lock in its own two-key space), so a second save finds the first's committed
-- row instead of meeting it on the (student_id, course_id) key.
CREATE OR REPLACE FUNCTION enroll_student(p_request_token UUID, p_student UUID, p_course INTEGER, p_shown_price NUMERIC,
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
    IF p_request_token IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext('techcourse.enroll.request'), hashtext(p_request_token::text));
    END IF;
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

REVOKE ALL ON FUNCTION enroll_student(UUID, UUID, INTEGER, NUMERIC, NUMERIC, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION enroll_student(UUID, UUID, INTEGER, NUMERIC, NUMERIC, TEXT) TO techcourse_app;
