-- An Identity V3 hash (PasswordHasher): 0x01, PRF, iteration count, salt length (big-endian uint32 each), salt, subkey.
CREATE OR REPLACE FUNCTION identity_v3_parts(p_hash TEXT, OUT prf INT, OUT iterations INT, OUT salt BYTEA, OUT subkey BYTEA)
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
