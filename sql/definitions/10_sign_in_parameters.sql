-- What the app needs to derive the subkey of a typed password: never the hash itself. For an email without an account
-- (or without a password) the parameters PasswordHasher uses by default and a salt derived from the email and a secret,
-- so the answer is the same every time and looks like a real one. (sha256(secret || text) cannot be extended to
-- another email: the padding bytes such an extension needs include NUL, which no text holds.)
CREATE OR REPLACE FUNCTION sign_in_parameters(p_email TEXT)
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

REVOKE ALL ON FUNCTION sign_in_parameters(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sign_in_parameters(TEXT) TO techcourse_app;
