-- A new user (email trimmed and checked here, unique whatever its case by users_email_lower_key).
CREATE OR REPLACE FUNCTION create_user(p_email TEXT, p_role TEXT) RETURNS UUID
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

REVOKE ALL ON FUNCTION create_user(TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION create_user(TEXT, TEXT) TO techcourse_app;
