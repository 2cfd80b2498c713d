-- Append-only: no UPDATE, DELETE or TRUNCATE, even by the owner, unless the transaction says
-- SET LOCAL techcourse.audit_maintenance = 'on'. The one other UPDATE let through is sealing: filling the chain
-- columns of a not yet sealed entry without touching its content.
CREATE OR REPLACE FUNCTION price_changes_append_only() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('techcourse.audit_maintenance', true), '') = 'on' THEN
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD WHEN 'UPDATE' THEN NEW ELSE NULL END;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.seal_seq IS NULL AND NEW.seal_seq IS NOT NULL
       AND (NEW.log_id, NEW.course_id, NEW.old_price, NEW.new_price, NEW.changed_at, NEW.changed_by, NEW.source, NEW.reason, NEW.campaign_id)
           IS NOT DISTINCT FROM
           (OLD.log_id, OLD.course_id, OLD.old_price, OLD.new_price, OLD.changed_at, OLD.changed_by, OLD.source, OLD.reason, OLD.campaign_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'price_changes is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'For documented maintenance only: SET LOCAL techcourse.audit_maintenance = ''on'' in the same transaction.';
END;
$$;
