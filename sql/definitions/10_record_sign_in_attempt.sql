-- Sign-in bookkeeping goes through functions, so the runtime role needs no direct write on the table.
CREATE OR REPLACE FUNCTION record_sign_in_attempt(p_user_id UUID, p_succeeded BOOLEAN, p_remote_address TEXT) RETURNS VOID
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    INSERT INTO sign_in_attempts (user_id, succeeded, remote_address) VALUES (p_user_id, p_succeeded, p_remote_address)
$$;

REVOKE ALL ON FUNCTION record_sign_in_attempt(UUID, BOOLEAN, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_sign_in_attempt(UUID, BOOLEAN, TEXT) TO techcourse_app;
