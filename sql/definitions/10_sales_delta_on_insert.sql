-- Row triggers on enrollments that only append to sales_deltas, so concurrent sales never wait on each other.
-- SECURITY DEFINER: whoever may write enrollments need not (and the app's role may not) write the rollups. No SET
-- search_path (a setting switched on every row costs insert throughput): every name is schema-qualified, operators
-- included, so a caller's search_path cannot redirect anything.
CREATE OR REPLACE FUNCTION sales_delta_on_insert() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO public.sales_deltas VALUES (NEW.course_id, NEW.enrolled_at, 1, NEW.amount_paid);
    RETURN NULL;
END
$$;
