-- Appends the removed enrollment's negative to sales_deltas (see sales_delta_on_insert).
CREATE OR REPLACE FUNCTION sales_delta_on_delete() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO public.sales_deltas VALUES (OLD.course_id, OLD.enrolled_at, -1, OPERATOR(pg_catalog.-) OLD.amount_paid);
    RETURN NULL;
END
$$;
