-- A password set or reset, a role or email change, an anonymisation end the user's sessions in the same transaction
-- (a deletion removes them with the user).
CREATE OR REPLACE FUNCTION sessions_end_for_user() RETURNS TRIGGER
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

REVOKE ALL ON FUNCTION sessions_end_for_user() FROM PUBLIC;
