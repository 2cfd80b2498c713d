-- The key sign-in attempts are counted under: the typed email, trimmed and lower-cased.
CREATE OR REPLACE FUNCTION sign_in_email_key(p_email TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT lower(btrim(coalesce(p_email, ''), E' \t\r\n'))
$$;
