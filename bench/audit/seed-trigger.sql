-- The audit trigger as 0003 left it (no NOTIFY), for the comparison run; run-price-bench.sh puts 0007's back.
CREATE OR REPLACE FUNCTION audit_course_price()
RETURNS TRIGGER AS $$
BEGIN
    IF NEW.price <> OLD.price THEN
        INSERT INTO price_changes (course_id, old_price, new_price, changed_by, source, reason)
        VALUES (OLD.course_id, OLD.price, NEW.price, app_user_id(),
                CASE WHEN app_user_id() IS NULL THEN session_user ELSE 'app' END,
                NULLIF(btrim(current_setting('app.change_reason', true)), ''));
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public;
