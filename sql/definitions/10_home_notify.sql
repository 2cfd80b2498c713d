-- Statement-level: tells every app instance's listener (channel home_changes, payload the table) that the home pages'
-- figures may have changed. One notification per statement, and PostgreSQL folds identical ones of a transaction
-- into one. Enrollments are announced by sales_rollups_fold (at most once a second) and price changes by
-- seal_price_changes, so the write paths the capstone measures never notify.
CREATE OR REPLACE FUNCTION home_notify() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('home_changes', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
