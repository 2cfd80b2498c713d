-- Row-level security on courses binds the runtime role only (the owner, and so migrations and the seed's own
-- statements, bypass it): everyone reads, an Admin writes any course, an Instructor only their own. Each policy is
-- dropped and created again in this file's one transaction, so no session ever sees courses without it.
-- The acting user's role and id are sub-selects, so each is looked up once per statement (an init plan), not once per
-- row and per clause: a bulk change of a thousand courses looks its actor up once. Both functions are STABLE, so the
-- answer is the same either way.
DROP POLICY IF EXISTS courses_read ON courses;
CREATE POLICY courses_read ON courses FOR SELECT TO techcourse_app USING (true);

DROP POLICY IF EXISTS courses_insert ON courses;
CREATE POLICY courses_insert ON courses FOR INSERT TO techcourse_app
    WITH CHECK ((SELECT app_user_role()) = 'Admin' OR ((SELECT app_user_role()) = 'Instructor' AND instructor_id = (SELECT app_user_id())));

-- A campaign step the scheduler runs acts with its creator's rights of the moment ('schedule:<role>', see
-- app_user_role()); the audit trigger holds such an update to the campaign's own courses and prices.
DROP POLICY IF EXISTS courses_update ON courses;
CREATE POLICY courses_update ON courses FOR UPDATE TO techcourse_app
    USING ((SELECT app_user_role()) IN ('Admin', 'schedule:Admin')
           OR ((SELECT app_user_role()) IN ('Instructor', 'schedule:Instructor') AND instructor_id = (SELECT app_user_id())))
    WITH CHECK ((SELECT app_user_role()) IN ('Admin', 'schedule:Admin')
                OR ((SELECT app_user_role()) IN ('Instructor', 'schedule:Instructor') AND instructor_id = (SELECT app_user_id())));

DROP POLICY IF EXISTS courses_delete ON courses;
CREATE POLICY courses_delete ON courses FOR DELETE TO techcourse_app
    USING ((SELECT app_user_role()) = 'Admin' OR ((SELECT app_user_role()) = 'Instructor' AND instructor_id = (SELECT app_user_id())));
