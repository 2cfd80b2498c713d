-- The seed's audit trigger function: one price_changes row per price change, with who made it (the user of the
-- session app.session names, else the database role), from where ('app' or the role) and the reason typed with it
-- (app.change_reason); the actor is resolved once (a session lookup). Only appends; seal_price_changes() links entries
-- into the hash chain later. With techcourse.audit_notify_each = 'on' each new entry is also announced at once
-- (delivered at commit, dropped on rollback). SECURITY DEFINER: the runtime role cannot write price_changes itself.
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
