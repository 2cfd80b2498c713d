-- Tooling on the owner connection (the load test, the benchmark, tests) acts through a real session without a
-- password. Owner only: not granted to anyone, and it runs with the caller's rights (only the owner may insert sessions).
CREATE OR REPLACE FUNCTION open_session_as_owner(p_user UUID, p_token TEXT, p_lifetime INTERVAL) RETURNS VOID
LANGUAGE sql SET search_path = public, pg_temp AS $$
    INSERT INTO sessions (token_hash, user_id, role, source, idle_timeout, expires_at)
    SELECT sha256(convert_to(p_token, 'UTF8')), u.user_id, u.role, 'owner', least(p_lifetime, INTERVAL '7 days'), now() + p_lifetime
    FROM users u WHERE u.user_id = p_user AND u.anonymised_at IS NULL
$$;
REVOKE ALL ON FUNCTION open_session_as_owner(UUID, TEXT, INTERVAL) FROM PUBLIC;
