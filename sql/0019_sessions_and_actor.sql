-- Server-side sessions, and the database's actor taken from them (issue 19, sections 1–3 and the lockout).
--
-- A sign-in creates a session: a random token the app keeps in its (encrypted) auth cookie, of which only the sha256
-- is stored here. Every request and every open circuit checks it; a write sends the token (transaction-local
-- app.session) and app_user_id()/app_user_role() resolve it to a live session, in a table the runtime login cannot
-- read. app.user_id and app.role are no longer read by anything: setting them gives no rights.
--
-- Sign-in without exposing hashes: sign_in_parameters() gives only the PBKDF2 parameters of an account's Identity V3
-- hash (a deterministic decoy for an unknown email), the app derives the subkey from the typed password, and sign_in()
-- compares it, counts the attempt and creates the session in one transaction, one sign-in per email at a time.

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    -- The role at sign-in: a role change ends the session (trigger below), so a live session's role is the user's.
    role TEXT NOT NULL,
    source TEXT CHECK (char_length(source) <= 100),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    idle_timeout INTERVAL NOT NULL CHECK (idle_timeout BETWEEN INTERVAL '1 second' AND INTERVAL '7 days'),
    expires_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ,
    end_reason TEXT,
    CONSTRAINT sessions_absolute_limit CHECK (expires_at > created_at AND expires_at <= created_at + INTERVAL '30 days')
);
CREATE INDEX sessions_user ON sessions (user_id);
REVOKE ALL ON sessions FROM PUBLIC;

-- Secrets only the owner reads: the key of the decoy salts given for emails without an account.
CREATE TABLE auth_secrets (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    decoy_salt_key BYTEA NOT NULL CHECK (octet_length(decoy_salt_key) = 32)
);
-- gen_random_uuid() draws from the server's strong random source (122 random bits each).
INSERT INTO auth_secrets (decoy_salt_key)
VALUES (decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
REVOKE ALL ON auth_secrets FROM PUBLIC;

-- Attempts are counted per typed email (known or not) and per source, so an unknown email is answered exactly like a
-- known one and an attacker's failures lock only the source they come from.
ALTER TABLE sign_in_attempts ADD COLUMN email_key TEXT;
UPDATE sign_in_attempts a SET email_key = lower(u.email) FROM users u WHERE u.user_id = a.user_id;
CREATE INDEX sign_in_attempts_email_time ON sign_in_attempts (email_key, attempted_at DESC) INCLUDE (remote_address, succeeded);

-- The runtime login no longer reads hashes or counts, nor records attempts for any account it likes.
REVOKE SELECT ON user_credentials FROM techcourse_app;
GRANT SELECT (user_id, updated_at) ON user_credentials TO techcourse_app;  -- who has a sign-in, never the hash
DROP FUNCTION record_sign_in_attempt(UUID, BOOLEAN, TEXT);
DROP FUNCTION recent_sign_in_failures(UUID, INTERVAL);

-- An Identity V3 hash (PasswordHasher): 0x01, PRF, iteration count, salt length (big-endian uint32 each), salt, subkey.
CREATE FUNCTION identity_v3_parts(p_hash TEXT, OUT prf INT, OUT iterations INT, OUT salt BYTEA, OUT subkey BYTEA)
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b BYTEA;
    n BIGINT;
BEGIN
    IF p_hash IS NULL OR p_hash !~ '^[A-Za-z0-9+/]+={0,2}$' OR length(p_hash) % 4 <> 0 THEN RETURN; END IF;
    b := decode(p_hash, 'base64');
    IF length(b) < 13 OR get_byte(b, 0) <> 1 THEN RETURN; END IF;
    n := ('x' || encode(substring(b FROM 10 FOR 4), 'hex'))::bit(32)::bigint;
    IF n < 8 OR 13 + n + 16 > length(b) THEN RETURN; END IF;
    prf := ('x' || encode(substring(b FROM 2 FOR 4), 'hex'))::bit(32)::int;
    iterations := ('x' || encode(substring(b FROM 6 FOR 4), 'hex'))::bit(32)::int;
    salt := substring(b FROM 14 FOR n::int);
    subkey := substring(b FROM 14 + n::int);
END;
$$;
REVOKE ALL ON FUNCTION identity_v3_parts(TEXT) FROM PUBLIC;

CREATE FUNCTION sign_in_email_key(p_email TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT lower(btrim(coalesce(p_email, ''), E' \t\r\n'))
$$;

-- What the app needs to derive the subkey of a typed password: never the hash itself. For an email without an account
-- (or without a password) the parameters PasswordHasher uses by default and a salt derived from the email and a secret,
-- so the answer is the same every time and looks like a real one. (sha256(secret || text) cannot be extended to
-- another email: the padding bytes such an extension needs include NUL, which no text holds.)
CREATE FUNCTION sign_in_parameters(p_email TEXT)
RETURNS TABLE (prf INT, iterations INT, salt BYTEA, subkey_length INT)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_key TEXT := sign_in_email_key(p_email);
    v_parts RECORD;
BEGIN
    SELECT p.* INTO v_parts
    FROM users u JOIN user_credentials c ON c.user_id = u.user_id, identity_v3_parts(c.password_hash) p
    WHERE lower(u.email) = v_key;
    IF v_parts.prf IS NOT NULL THEN
        RETURN QUERY SELECT v_parts.prf, v_parts.iterations, v_parts.salt, octet_length(v_parts.subkey);
        RETURN;
    END IF;
    RETURN QUERY SELECT 2, 100000, substring(sha256(a.decoy_salt_key || convert_to(v_key, 'UTF8')) FROM 1 FOR 16), 32
                 FROM auth_secrets a;
END;
$$;

-- Five failures from one source within 15 minutes (since that source's last success) lock that source out of that
-- email, known or not; 100 from all sources together (since the last success from anywhere) lock the email for everyone:
-- a bound on guessing from many addresses, and on a caller that makes up its source.
CREATE FUNCTION sign_in_locked(p_key TEXT, p_source TEXT) RETURNS BOOLEAN
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

-- One sign-in, atomically: the attempts of this email are taken one at a time (a transaction-level lock on the email),
-- the lock checked (sign_in_locked), the subkey compared, the attempt recorded and, on success, the session created.
-- Outcomes: signed_in, invalid, locked, not_staff.
CREATE FUNCTION sign_in(p_email TEXT, p_subkey BYTEA, p_source TEXT, p_token TEXT, p_idle INTERVAL, p_absolute INTERVAL)
RETURNS TABLE (outcome TEXT, user_id UUID, email TEXT, role TEXT)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_key TEXT := sign_in_email_key(p_email);
    v_source TEXT := left(coalesce(nullif(btrim(p_source), ''), 'unknown'), 100);
    v_user UUID;
    v_email TEXT;
    v_role TEXT;
    v_subkey BYTEA;
    v_valid BOOLEAN;
BEGIN
    IF v_key = '' OR char_length(v_key) > 150 THEN
        RETURN QUERY SELECT 'invalid', NULL::UUID, NULL::TEXT, NULL::TEXT;
        RETURN;
    END IF;
    IF p_token IS NULL OR char_length(p_token) < 32 THEN
        RAISE EXCEPTION 'a session token has at least 32 characters' USING ERRCODE = '22023';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sign_in'), hashtext(v_key));

    IF sign_in_locked(v_key, v_source) THEN
        RETURN QUERY SELECT 'locked', NULL::UUID, NULL::TEXT, NULL::TEXT;
        RETURN;
    END IF;

    SELECT u.user_id, u.email, u.role, p.subkey INTO v_user, v_email, v_role, v_subkey
    FROM users u LEFT JOIN user_credentials c ON c.user_id = u.user_id LEFT JOIN LATERAL identity_v3_parts(c.password_hash) p ON true
    WHERE lower(u.email) = v_key AND u.anonymised_at IS NULL;
    v_valid := v_subkey IS NOT NULL AND p_subkey IS NOT NULL AND v_subkey = p_subkey;
    INSERT INTO sign_in_attempts (user_id, email_key, succeeded, remote_address) VALUES (v_user, v_key, v_valid, v_source);

    IF NOT v_valid THEN
        RETURN QUERY SELECT 'invalid', NULL::UUID, NULL::TEXT, NULL::TEXT;
        RETURN;
    END IF;
    IF v_role NOT IN ('Admin', 'Instructor', 'Accounting') THEN
        RETURN QUERY SELECT 'not_staff', NULL::UUID, NULL::TEXT, NULL::TEXT;
        RETURN;
    END IF;
    DELETE FROM sessions s WHERE s.user_id = v_user AND least(s.ended_at, s.expires_at) < now() - INTERVAL '30 days';
    INSERT INTO sessions (token_hash, user_id, role, source, idle_timeout, expires_at)
    VALUES (sha256(convert_to(p_token, 'UTF8')), v_user, v_role, v_source, p_idle, now() + p_absolute);
    RETURN QUERY SELECT 'signed_in', v_user, v_email, v_role;
END;
$$;

-- The session a token names, if it is live: not ended, before its absolute expiry, and seen within its idle timeout.
-- Seeing it moves last_seen_at, at most once per p_touch_after, so the idle timeout holds without a write per request.
CREATE FUNCTION session_check(p_token TEXT, p_touch_after INTERVAL)
RETURNS TABLE (user_id UUID, role TEXT)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_hash BYTEA := sha256(convert_to(coalesce(p_token, ''), 'UTF8'));
    v_user UUID;
    v_role TEXT;
    v_seen TIMESTAMPTZ;
BEGIN
    SELECT s.user_id, s.role, s.last_seen_at INTO v_user, v_role, v_seen FROM sessions s
    WHERE s.token_hash = v_hash AND s.ended_at IS NULL AND now() < s.expires_at AND now() < s.last_seen_at + s.idle_timeout;
    IF NOT FOUND THEN RETURN; END IF;
    IF v_seen < now() - p_touch_after THEN
        UPDATE sessions s SET last_seen_at = now() WHERE s.token_hash = v_hash;
    END IF;
    RETURN QUERY SELECT v_user, v_role;
END;
$$;

-- Sign-out: the session the token names ends. Sign out everywhere: every session of that token's user ends.
CREATE FUNCTION session_end(p_token TEXT, p_everywhere BOOLEAN) RETURNS INTEGER
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_hash BYTEA := sha256(convert_to(coalesce(p_token, ''), 'UTF8'));
    v_count INTEGER;
BEGIN
    IF p_everywhere THEN
        UPDATE sessions s SET ended_at = now(), end_reason = 'signed out everywhere'
        WHERE s.ended_at IS NULL
          AND s.user_id = (SELECT t.user_id FROM sessions t WHERE t.token_hash = v_hash AND t.ended_at IS NULL AND now() < t.expires_at);
    ELSE
        UPDATE sessions s SET ended_at = now(), end_reason = 'signed out' WHERE s.token_hash = v_hash AND s.ended_at IS NULL;
    END IF;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;

-- A signed-in staff member changes their own password: the session must be live, the current password's subkey right
-- (a wrong one counts as a failed sign-in from that source, under the same lock), the new hash an Identity V3 hash.
-- Every session of the user ends (the credentials trigger) and this browser gets a new one (p_new_token).
-- Outcomes: changed, invalid, locked, session_ended.
CREATE FUNCTION change_own_password(p_token TEXT, p_current_subkey BYTEA, p_new_hash TEXT, p_new_token TEXT, p_source TEXT)
RETURNS TEXT
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_source TEXT := left(coalesce(nullif(btrim(p_source), ''), 'unknown'), 100);
    v_session sessions;
    v_key TEXT;
    v_valid BOOLEAN;
BEGIN
    SELECT s.* INTO v_session FROM sessions s
    WHERE s.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8')) AND s.ended_at IS NULL
      AND now() < s.expires_at AND now() < s.last_seen_at + s.idle_timeout;
    IF NOT FOUND THEN RETURN 'session_ended'; END IF;
    IF (identity_v3_parts(p_new_hash)).prf IS NULL THEN
        RAISE EXCEPTION 'not an Identity V3 password hash' USING ERRCODE = '23514', CONSTRAINT = 'user_credentials_hash';
    END IF;
    IF p_new_token IS NULL OR char_length(p_new_token) < 32 THEN
        RAISE EXCEPTION 'a session token has at least 32 characters' USING ERRCODE = '22023';
    END IF;
    SELECT lower(u.email) INTO v_key FROM users u WHERE u.user_id = v_session.user_id;
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sign_in'), hashtext(v_key));
    IF sign_in_locked(v_key, v_source) THEN RETURN 'locked'; END IF;
    SELECT coalesce(p.subkey = p_current_subkey, false) INTO v_valid
    FROM user_credentials c, identity_v3_parts(c.password_hash) p WHERE c.user_id = v_session.user_id;
    INSERT INTO sign_in_attempts (user_id, email_key, succeeded, remote_address) VALUES (v_session.user_id, v_key, coalesce(v_valid, false), v_source);
    IF NOT coalesce(v_valid, false) THEN RETURN 'invalid'; END IF;
    UPDATE user_credentials SET password_hash = p_new_hash, updated_at = now() WHERE user_id = v_session.user_id;
    INSERT INTO sessions (token_hash, user_id, role, source, idle_timeout, expires_at)
    VALUES (sha256(convert_to(p_new_token, 'UTF8')), v_session.user_id, v_session.role, v_source, v_session.idle_timeout, v_session.expires_at);
    RETURN 'changed';
END;
$$;

-- The actor of a write: the live session named by the transaction's app.session. No token: nobody (no rights, as
-- before without app.user_id). A token that names no live session: the write is refused at once with 28000.
-- Row-level security, require_admin(), the write functions and the audit trigger keep calling these two. Each does its
-- own lookup by primary key (PL/pgSQL: its plan is cached for the session, see 0013) rather than share one: every
-- write runs them two to four times, and a shared function returning both (a record) or called from a wrapper costs
-- more per call than the lookup itself.
CREATE OR REPLACE FUNCTION app_user_id() RETURNS UUID
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_token TEXT := current_setting('app.session', true);
    v_user UUID;
BEGIN
    IF v_token IS NULL OR v_token = '' THEN RETURN NULL; END IF;
    SELECT s.user_id INTO v_user FROM sessions s
    WHERE s.token_hash = sha256(convert_to(v_token, 'UTF8')) AND s.ended_at IS NULL
      AND now() < s.expires_at AND now() < s.last_seen_at + s.idle_timeout;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the session has ended: sign in again' USING ERRCODE = '28000', CONSTRAINT = 'sessions_live';
    END IF;
    RETURN v_user;
END;
$$;

CREATE OR REPLACE FUNCTION app_user_role() RETURNS TEXT
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_token TEXT := current_setting('app.session', true);
    v_role TEXT;
BEGIN
    IF v_token IS NULL OR v_token = '' THEN RETURN NULL; END IF;
    SELECT s.role INTO v_role FROM sessions s
    WHERE s.token_hash = sha256(convert_to(v_token, 'UTF8')) AND s.ended_at IS NULL
      AND now() < s.expires_at AND now() < s.last_seen_at + s.idle_timeout;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the session has ended: sign in again' USING ERRCODE = '28000', CONSTRAINT = 'sessions_live';
    END IF;
    RETURN v_role;
END;
$$;

-- 0007's audit trigger, resolving the actor once instead of twice (each is a session lookup now).
CREATE OR REPLACE FUNCTION audit_course_price()
RETURNS TRIGGER AS $$
DECLARE
    v_log_id INT;
    v_actor UUID;
BEGIN
    IF NEW.price <> OLD.price THEN
        v_actor := app_user_id();
        INSERT INTO price_changes (course_id, old_price, new_price, changed_by, source, reason)
        VALUES (OLD.course_id, OLD.price, NEW.price, v_actor,
                CASE WHEN v_actor IS NULL THEN session_user ELSE 'app' END,
                NULLIF(btrim(current_setting('app.change_reason', true)), ''))
        RETURNING log_id INTO v_log_id;
        IF current_setting('techcourse.audit_notify_each', true) = 'on' THEN
            PERFORM pg_notify('price_changes', json_build_object('id', v_log_id, 'course_id', OLD.course_id)::text);
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public;

-- A password set or reset, a role or email change, an anonymisation end the user's sessions in the same transaction
-- (a deletion removes them with the user).
CREATE FUNCTION sessions_end_for_user() RETURNS TRIGGER
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    v_reason TEXT := 'password changed or removed';
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        v_reason := CASE WHEN NEW.anonymised_at IS DISTINCT FROM OLD.anonymised_at THEN 'user removed'
                         WHEN NEW.role IS DISTINCT FROM OLD.role THEN 'role changed'
                         ELSE 'email changed' END;
    END IF;
    UPDATE sessions s SET ended_at = now(), end_reason = v_reason WHERE s.user_id = OLD.user_id AND s.ended_at IS NULL;
    RETURN NULL;
END;
$$;
CREATE TRIGGER users_end_sessions AFTER UPDATE OF role, email, anonymised_at ON users FOR EACH ROW
    WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.email IS DISTINCT FROM NEW.email OR OLD.anonymised_at IS DISTINCT FROM NEW.anonymised_at)
    EXECUTE FUNCTION sessions_end_for_user();
CREATE TRIGGER user_credentials_end_sessions AFTER UPDATE OF password_hash OR DELETE ON user_credentials FOR EACH ROW
    EXECUTE FUNCTION sessions_end_for_user();

-- Tooling on the owner connection (the load test, the benchmark, tests) acts through a real session without a
-- password. Owner only: not granted to anyone, and it runs with the caller's rights (only the owner may insert sessions).
CREATE FUNCTION open_session_as_owner(p_user UUID, p_token TEXT, p_lifetime INTERVAL) RETURNS VOID
LANGUAGE sql SET search_path = public, pg_temp AS $$
    INSERT INTO sessions (token_hash, user_id, role, source, idle_timeout, expires_at)
    SELECT sha256(convert_to(p_token, 'UTF8')), u.user_id, u.role, 'owner', least(p_lifetime, INTERVAL '7 days'), now() + p_lifetime
    FROM users u WHERE u.user_id = p_user AND u.anonymised_at IS NULL
$$;
REVOKE ALL ON FUNCTION open_session_as_owner(UUID, TEXT, INTERVAL) FROM PUBLIC;

REVOKE ALL ON FUNCTION sign_in_parameters(TEXT), sign_in(TEXT, BYTEA, TEXT, TEXT, INTERVAL, INTERVAL),
    session_check(TEXT, INTERVAL), session_end(TEXT, BOOLEAN), change_own_password(TEXT, BYTEA, TEXT, TEXT, TEXT),
    app_user_id(), app_user_role(), sessions_end_for_user() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sign_in_parameters(TEXT), sign_in(TEXT, BYTEA, TEXT, TEXT, INTERVAL, INTERVAL),
    session_check(TEXT, INTERVAL), session_end(TEXT, BOOLEAN), change_own_password(TEXT, BYTEA, TEXT, TEXT, TEXT),
    app_user_id(), app_user_role() TO techcourse_app;

-- Data Protection keys are written through the owner connection only, encrypted with a certificate the database never
-- sees; the runtime login reads them. The plaintext keys written so far go (their cookies named no session anyway).
REVOKE INSERT, UPDATE, DELETE ON data_protection_keys FROM techcourse_app;
DELETE FROM data_protection_keys;
ALTER TABLE data_protection_keys ADD CONSTRAINT data_protection_keys_encrypted
    CHECK (xml NOT LIKE '%<masterKey%' AND (xml LIKE '%<encryptedSecret%' OR xml LIKE '<revocation%'));
