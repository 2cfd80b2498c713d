-- The seed's audit trigger function: one price_changes row per price change, with who made it (app.user_id, else the
-- database role), from where ('app' or the role) and the reason typed with it (app.change_reason). Only appends;
-- seal_price_changes() links entries into the hash chain later. With techcourse.audit_notify_each = 'on' each new
-- entry is also announced at once (delivered at commit, dropped on rollback). SECURITY DEFINER: the runtime role
-- cannot write price_changes itself.
CREATE OR REPLACE FUNCTION audit_course_price()
RETURNS TRIGGER AS $$
DECLARE
    v_log_id INT;
BEGIN
    IF NEW.price <> OLD.price THEN
        INSERT INTO price_changes (course_id, old_price, new_price, changed_by, source, reason)
        VALUES (OLD.course_id, OLD.price, NEW.price, app_user_id(),
                CASE WHEN app_user_id() IS NULL THEN session_user ELSE 'app' END,
                NULLIF(btrim(current_setting('app.change_reason', true)), ''))
        RETURNING log_id INTO v_log_id;
        IF current_setting('techcourse.audit_notify_each', true) = 'on' THEN
            PERFORM pg_notify('price_changes', json_build_object('id', v_log_id, 'course_id', OLD.course_id)::text);
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public;
