-- Five failures from one source within 15 minutes (since that source's last success) lock that source out of that
-- email, known or not; 100 from all sources together (since the last success from anywhere) lock the email for everyone:
-- a bound on guessing from many addresses, and on a caller that makes up its source.
CREATE OR REPLACE FUNCTION sign_in_locked(p_key TEXT, p_source TEXT) RETURNS BOOLEAN
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    WITH recent AS (
        SELECT a.remote_address, a.succeeded, a.attempted_at FROM sign_in_attempts a
        WHERE a.email_key = p_key AND a.attempted_at > now() - INTERVAL '15 minutes'
    )
    SELECT (SELECT count(*) FROM recent r WHERE r.remote_address = p_source AND NOT r.succeeded
              AND r.attempted_at > coalesce((SELECT max(s.attempted_at) FROM recent s WHERE s.remote_address = p_source AND s.succeeded), '-infinity')) >= 5
        OR (SELECT count(*) FROM recent r WHERE NOT r.succeeded
              AND r.attempted_at > coalesce((SELECT max(s.attempted_at) FROM recent s WHERE s.succeeded), '-infinity')) >= 100
$$;
REVOKE ALL ON FUNCTION sign_in_locked(TEXT, TEXT) FROM PUBLIC;
