-- 0007's audit trigger body, restored after the seed-trigger run.
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
