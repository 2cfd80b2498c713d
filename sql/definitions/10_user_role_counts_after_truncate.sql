-- TRUNCATE users leaves every count at zero.
CREATE OR REPLACE FUNCTION user_role_counts_after_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE user_role_counts SET users = 0;
    RETURN NULL;
END $$;
