-- Closes the campaign step open in this transaction, after price_campaign_update(): every course the step did not
-- change gets its reason (apply: skipped — the course is gone, the acting user's role or ownership no longer allows it,
-- its price is not the previewed one, or the operation gives a price below 0, above the maximum or equal to it;
-- revert: kept — changed meanwhile by anything but the campaign — or not reverted — gone, role, ownership). A course
-- left unchanged with none of these reasons means the step was not run as it should be: the whole step is undone.
-- p_strict (applied now): any course not changed undoes everything (price_campaign_prices_changed), so the user sees
-- what changed since the preview. Then the campaign moves on (active until its end, or finished) and the scheduler's
-- session for the step ends. Returns what the step did.
CREATE OR REPLACE FUNCTION price_campaign_settle(p_campaign INT, p_strict BOOLEAN)
RETURNS TABLE (campaign_id INT, step TEXT, due_at TIMESTAMPTZ, changed INT, skipped INT, kept INT)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    c price_campaigns;
    v_actor UUID;
    v_schedule INT;
    v_role TEXT;
    i RECORD;
    v_reason TEXT;
    v_state TEXT;
    v_price NUMERIC;
    v_log INT;
    v_changed INT;
    v_skipped INT := 0;
    v_kept INT := 0;
BEGIN
    SELECT * INTO c FROM price_campaigns pc WHERE pc.campaign_id = p_campaign AND pc.step_xact = pg_current_xact_id() FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no step of campaign % is open in this transaction', p_campaign USING ERRCODE = '55000';
    END IF;
    SELECT a.actor_id, a.actor_campaign_id INTO v_actor, v_schedule FROM app_session_actor() a;
    IF v_actor IS DISTINCT FROM c.step_by OR v_schedule <> p_campaign THEN
        RAISE EXCEPTION 'the step of campaign % was opened for someone else', p_campaign USING ERRCODE = '42501', CONSTRAINT = 'price_campaign_step';
    END IF;
    v_role := replace(app_user_role(), 'schedule:', '');

    IF c.step = 'apply' THEN
        SELECT count(*) INTO v_changed FROM price_campaign_courses pi WHERE pi.campaign_id = p_campaign AND pi.state = 'applied';
        IF p_strict AND EXISTS (SELECT 1 FROM price_campaign_courses pi WHERE pi.campaign_id = p_campaign AND pi.state = 'pending') THEN
            RAISE EXCEPTION 'a course''s price changed since the preview: nothing was applied'
                USING ERRCODE = '40001', CONSTRAINT = 'price_campaign_prices_changed';
        END IF;
        FOR i IN
            SELECT pi.course_id, pi.expected_price, co.course_id IS NULL AS gone, co.instructor_id, co.price,
                   price_campaign_price(c.operation, c.amount, c.price_ending, co.price) AS target
            FROM price_campaign_courses pi LEFT JOIN courses co ON co.course_id = pi.course_id
            WHERE pi.campaign_id = p_campaign AND pi.state = 'pending'
        LOOP
            v_price := NULL;
            v_log := NULL;
            v_reason := CASE
                WHEN i.gone THEN 'course_deleted'
                WHEN v_role IS DISTINCT FROM 'Admin' AND v_role IS DISTINCT FROM 'Instructor' THEN 'role'
                WHEN v_role = 'Instructor' AND i.instructor_id IS DISTINCT FROM v_actor THEN 'not_owner'
                WHEN i.price <> coalesce(i.expected_price, i.price) THEN 'price_changed'
                WHEN i.target < 0 THEN 'below_zero'
                WHEN i.target > 99999999.99 THEN 'above_maximum'
                WHEN i.target = i.price THEN 'unchanged' END;
            IF v_reason IS NULL THEN
                RAISE EXCEPTION 'campaign % left course % unchanged for no reason: the step is undone', p_campaign, i.course_id USING ERRCODE = '55000';
            END IF;
            IF v_reason = 'price_changed' THEN
                v_price := i.price;
                SELECT p.log_id INTO v_log FROM price_changes p WHERE p.course_id = i.course_id ORDER BY p.changed_at DESC, p.log_id DESC LIMIT 1;
            ELSIF v_reason IN ('below_zero', 'above_maximum', 'unchanged') THEN
                v_price := i.target;
            END IF;
            UPDATE price_campaign_courses pi SET state = 'skipped', holds = false, outcome_reason = v_reason, found_price = v_price,
                found_role = CASE WHEN v_reason = 'role' THEN coalesce(v_role, 'none') END, found_log_id = v_log
            WHERE pi.campaign_id = p_campaign AND pi.course_id = i.course_id;
            v_skipped := v_skipped + 1;
        END LOOP;
        UPDATE price_campaigns pc SET
            state = CASE WHEN pc.ends_at IS NULL OR v_changed = 0 THEN 'finished' ELSE 'active' END,
            next_due_at = CASE WHEN v_changed = 0 THEN NULL ELSE pc.ends_at END,
            applied_at = clock_timestamp()
        WHERE pc.campaign_id = p_campaign;
    ELSE
        SELECT count(*) INTO v_changed FROM price_campaign_courses pi WHERE pi.campaign_id = p_campaign AND pi.state = 'reverted';
        FOR i IN
            SELECT pi.course_id, pi.applied_log_id, co.course_id IS NULL AS gone, co.instructor_id, co.price,
                   (SELECT p.log_id FROM price_changes p
                    WHERE p.course_id = pi.course_id AND p.log_id > pi.applied_log_id AND p.campaign_id IS DISTINCT FROM p_campaign
                    ORDER BY p.log_id DESC LIMIT 1) AS meanwhile,
                   co.price IS DISTINCT FROM pi.price_after AS moved
            FROM price_campaign_courses pi LEFT JOIN courses co ON co.course_id = pi.course_id
            WHERE pi.campaign_id = p_campaign AND pi.state = 'applied'
        LOOP
            v_reason := CASE
                WHEN i.meanwhile IS NOT NULL OR (NOT i.gone AND i.moved) THEN 'changed_meanwhile'
                WHEN i.gone THEN 'course_deleted'
                WHEN v_role IS DISTINCT FROM 'Admin' AND v_role IS DISTINCT FROM 'Instructor' THEN 'role'
                WHEN v_role = 'Instructor' AND i.instructor_id IS DISTINCT FROM v_actor THEN 'not_owner' END;
            IF v_reason IS NULL THEN
                RAISE EXCEPTION 'campaign % left course % at its price for no reason: the step is undone', p_campaign, i.course_id USING ERRCODE = '55000';
            END IF;
            v_state := CASE WHEN v_reason = 'changed_meanwhile' THEN 'kept' ELSE 'not_reverted' END;
            UPDATE price_campaign_courses pi SET state = v_state, outcome_reason = v_reason,
                found_price = CASE WHEN v_reason = 'changed_meanwhile' THEN i.price END, found_log_id = i.meanwhile,
                found_role = CASE WHEN v_reason = 'role' THEN coalesce(v_role, 'none') END
            WHERE pi.campaign_id = p_campaign AND pi.course_id = i.course_id;
            IF v_state = 'kept' THEN v_kept := v_kept + 1; ELSE v_skipped := v_skipped + 1; END IF;
        END LOOP;
        UPDATE price_campaigns pc SET state = 'finished', next_due_at = NULL, reverted_at = clock_timestamp() WHERE pc.campaign_id = p_campaign;
    END IF;

    UPDATE price_campaigns pc SET step = NULL, step_xact = NULL, step_by = NULL WHERE pc.campaign_id = p_campaign;
    IF v_schedule IS NOT NULL THEN
        UPDATE sessions s SET ended_at = now(), end_reason = 'campaign step done'
        WHERE s.token_hash = sha256(convert_to(current_setting('app.session'), 'UTF8'));
    END IF;
    PERFORM set_config('app.campaign', '', true);
    RETURN QUERY SELECT p_campaign, c.step, c.next_due_at, v_changed, v_skipped, v_kept;
END;
$$;

REVOKE ALL ON FUNCTION price_campaign_settle(INTEGER, BOOLEAN) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_campaign_settle(INTEGER, BOOLEAN) TO techcourse_app;
