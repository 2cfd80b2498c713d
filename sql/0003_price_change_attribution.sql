-- Who changed a price and from where. The seed's columns, trigger name and behaviour stay: its own UPDATE still
-- logs a row (changed_by NULL, source = the database role that ran it).
ALTER TABLE price_changes
    ADD COLUMN changed_by UUID REFERENCES users(user_id),
    ADD COLUMN source TEXT NOT NULL DEFAULT session_user,
    ADD COLUMN reason TEXT CHECK (char_length(reason) <= 500);

-- app.user_id marks a change made through the app; app.change_reason carries the reason typed with it.
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
