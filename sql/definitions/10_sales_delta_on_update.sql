-- An update that changes what the rollups count: the old row's negative and the new row (see sales_delta_on_insert).
CREATE OR REPLACE FUNCTION sales_delta_on_update() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO public.sales_deltas
    VALUES (OLD.course_id, OLD.enrolled_at, -1, OPERATOR(pg_catalog.-) OLD.amount_paid), (NEW.course_id, NEW.enrolled_at, 1, NEW.amount_paid);
    RETURN NULL;
END
$$;
