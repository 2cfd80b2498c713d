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
-- The functions and triggers are in sql/definitions (app_user_id, app_user_role, audit_course_price, sign_in*,
-- session_*, change_own_password, sessions_end_for_user, open_session_as_owner, identity_v3_parts).

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id UUID NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    -- The role at sign-in: a role change ends the session (60_users_triggers), so a live session's role is the user's.
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

-- The runtime login no longer reads hashes or counts, nor records attempts for any account it likes (sign-in goes
-- through sign_in_parameters() and sign_in(), in sql/definitions).
REVOKE SELECT ON user_credentials FROM techcourse_app;
GRANT SELECT (user_id, updated_at) ON user_credentials TO techcourse_app;  -- who has a sign-in, never the hash
DROP FUNCTION IF EXISTS record_sign_in_attempt(UUID, BOOLEAN, TEXT);
DROP FUNCTION IF EXISTS recent_sign_in_failures(UUID, INTERVAL);

-- Data Protection keys are written through the owner connection only, encrypted with a certificate the database never
-- sees; the runtime login reads them. The plaintext keys written so far go (their cookies named no session anyway).
REVOKE INSERT, UPDATE, DELETE ON data_protection_keys FROM techcourse_app;
DELETE FROM data_protection_keys;
ALTER TABLE data_protection_keys ADD CONSTRAINT data_protection_keys_encrypted
    CHECK (xml NOT LIKE '%<masterKey%' AND (xml LIKE '%<encryptedSecret%' OR xml LIKE '<revocation%'));
