-- The seed's audit trigger function: one price_changes row per price change, with who made it (the user of the
-- session app.session names, else the database role), from where ('app', 'schedule' or the role) and the reason typed
-- with it (app.change_reason); the actor is resolved once (a session lookup). Only appends; seal_price_changes() links
-- entries into the hash chain later. With techcourse.audit_notify_each = 'on' each new entry is also announced at once
-- (delivered at commit, dropped on rollback). SECURITY DEFINER: the runtime role cannot write price_changes itself.
--
-- A price campaign's step (price_campaign_update) runs with the campaign open in its transaction (step_xact): the
-- scheduler's session for that campaign, or app.campaign set by the function that opened the step for the signed-in
-- user. Such a change must be exactly the step's (the campaign's course, from and to the campaign's prices, nothing
-- else changed); its entry carries the campaign's id and reason, and the course's row in the campaign records it.
-- A scheduler's session changes nothing else: its source 'schedule' therefore always means a campaign's step.
CREATE OR REPLACE FUNCTION audit_course_price()
RETURNS TRIGGER AS $$
DECLARE
    v_log_id INT;
    v_actor UUID;
    v_schedule INT;
    v_campaign INT;
    v_step RECORD;
    v_reason TEXT := NULLIF(btrim(current_setting('app.change_reason', true)), '');
BEGIN
    IF NEW.price = OLD.price THEN
        IF coalesce(current_setting('app.session', true), '') <> '' AND (SELECT a.actor_campaign_id FROM app_session_actor() a) IS NOT NULL THEN
            RAISE EXCEPTION 'a campaign step changes prices only' USING ERRCODE = '42501', CONSTRAINT = 'price_campaign_step';
        END IF;
        RETURN NEW;
    END IF;
    SELECT a.actor_id, a.actor_campaign_id INTO v_actor, v_schedule FROM app_session_actor() a;
    v_campaign := coalesce(v_schedule, nullif(current_setting('app.campaign', true), '')::int);
    IF v_campaign IS NOT NULL THEN
        SELECT c.step, c.reason, c.operation, c.amount, c.price_ending, i.state, i.expected_price, i.price_before, i.price_after
        INTO v_step
        FROM price_campaigns c JOIN price_campaign_courses i ON i.campaign_id = c.campaign_id AND i.course_id = OLD.course_id
        WHERE c.campaign_id = v_campaign AND c.step_xact = pg_current_xact_id() AND c.step_by = v_actor;
        IF NOT FOUND
           OR (NEW.course_id, NEW.title, NEW.instructor_id, NEW.is_published, NEW.quiz_metadata)
              IS DISTINCT FROM (OLD.course_id, OLD.title, OLD.instructor_id, OLD.is_published, OLD.quiz_metadata)
           OR NOT (CASE v_step.step
                WHEN 'apply' THEN v_step.state = 'pending' AND OLD.price = coalesce(v_step.expected_price, OLD.price)
                                  AND NEW.price = price_campaign_price(v_step.operation, v_step.amount, v_step.price_ending, OLD.price)
                ELSE v_step.state = 'applied' AND OLD.price = v_step.price_after AND NEW.price = v_step.price_before END) THEN
            RAISE EXCEPTION 'this change is not a step of campaign %', v_campaign USING ERRCODE = '42501', CONSTRAINT = 'price_campaign_step';
        END IF;
        v_reason := v_step.reason;
    END IF;
    INSERT INTO price_changes (course_id, old_price, new_price, changed_by, source, reason, campaign_id)
    VALUES (OLD.course_id, OLD.price, NEW.price, v_actor,
            CASE WHEN v_schedule IS NOT NULL THEN 'schedule' WHEN v_actor IS NULL THEN session_user ELSE 'app' END,
            v_reason, v_campaign)
    RETURNING log_id INTO v_log_id;
    IF v_campaign IS NOT NULL THEN
        IF v_step.step = 'apply' THEN
            UPDATE price_campaign_courses i SET state = 'applied', price_before = OLD.price, price_after = NEW.price, applied_log_id = v_log_id
            WHERE i.campaign_id = v_campaign AND i.course_id = OLD.course_id;
        ELSE
            UPDATE price_campaign_courses i SET state = 'reverted', reverted_log_id = v_log_id
            WHERE i.campaign_id = v_campaign AND i.course_id = OLD.course_id;
        END IF;
    END IF;
    IF current_setting('techcourse.audit_notify_each', true) = 'on' THEN
        PERFORM pg_notify('price_changes', json_build_object('id', v_log_id, 'course_id', OLD.course_id)::text);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp;
