-- Moves the deltas this transaction can see (at most p_limit of them) into the folded tables and returns how many;
-- each delta is also added to the difficulty its course has now. One at a time under an advisory lock; p_wait false
-- returns NULL at once when another fold (or a rebuild, or a course change) holds it. The app calls it every second.
-- A fold that moved anything is recorded (maintenance_runs) and announced to the home pages (channel home_changes).
CREATE OR REPLACE FUNCTION sales_rollups_fold(p_wait BOOLEAN DEFAULT true, p_limit INT DEFAULT NULL) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_moved BIGINT;
BEGIN
    IF p_wait THEN
        PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    ELSIF NOT pg_try_advisory_xact_lock(hashtext('techcourse.sales.fold')) THEN
        RETURN NULL;
    END IF;
    WITH moved AS MATERIALIZED (
        DELETE FROM sales_deltas d
        WHERE p_limit IS NULL OR d.ctid = ANY (ARRAY(SELECT x.ctid FROM sales_deltas x LIMIT p_limit))
        RETURNING d.course_id, d.enrolled_at, d.enrollments, d.gross_revenue
    ), per_course AS MATERIALIZED (
        SELECT m.course_id, sum(m.enrollments)::bigint AS enrollments, sum(m.gross_revenue) AS gross_revenue
        FROM moved m GROUP BY m.course_id
    ), course_rows AS (
        INSERT INTO sales_course AS t (course_id, enrollments, gross_revenue)
        SELECT p.course_id, p.enrollments, p.gross_revenue FROM per_course p ORDER BY p.course_id
        ON CONFLICT (course_id) DO UPDATE
            SET enrollments = t.enrollments + excluded.enrollments, gross_revenue = t.gross_revenue + excluded.gross_revenue
    ), title_rows AS (
        INSERT INTO sales_title AS t (title, enrollments, gross_revenue)
        SELECT c.title, sum(p.enrollments), sum(p.gross_revenue)
        FROM per_course p JOIN courses c ON c.course_id = p.course_id
        GROUP BY c.title ORDER BY c.title
        ON CONFLICT (title) DO UPDATE
            SET enrollments = t.enrollments + excluded.enrollments, gross_revenue = t.gross_revenue + excluded.gross_revenue
    ), difficulty_rows AS (
        INSERT INTO sales_difficulty AS t (difficulty, courses, scored_courses, passing_score_sum, enrollments, gross_revenue)
        SELECT sales_difficulty_of(c.quiz_metadata), 0, 0, 0, sum(p.enrollments), sum(p.gross_revenue)
        FROM per_course p JOIN courses c ON c.course_id = p.course_id
        GROUP BY 1 ORDER BY 1
        ON CONFLICT (difficulty) DO UPDATE
            SET enrollments = t.enrollments + excluded.enrollments, gross_revenue = t.gross_revenue + excluded.gross_revenue
    ), total_row AS (
        UPDATE sales_total t SET enrollments = t.enrollments + x.enrollments, gross_revenue = t.gross_revenue + x.gross_revenue
        FROM (SELECT sum(p.enrollments) AS enrollments, sum(p.gross_revenue) AS gross_revenue FROM per_course p) x
        WHERE x.enrollments IS NOT NULL
    ), per_quarter AS (
        SELECT x.day, array_agg(x.i ORDER BY x.i) AS at, array_agg(x.e ORDER BY x.i) AS e, array_agg(x.c ORDER BY x.i) AS c
        FROM (SELECT (m.enrolled_at AT TIME ZONE 'UTC')::date AS day, sales_quarter(m.enrolled_at) + 1 AS i,
                     sum(m.enrollments)::bigint AS e, (sum(m.gross_revenue) * 100)::bigint AS c
              FROM moved m WHERE m.enrolled_at IS NOT NULL GROUP BY 1, 2) x
        GROUP BY x.day
    ), day_rows AS (
        INSERT INTO sales_day AS t (day, running_enrollments, running_cents)
        SELECT q.day, sales_running_apply(o.running_enrollments, 96, q.at, q.e), sales_running_apply(o.running_cents, 96, q.at, q.c)
        FROM per_quarter q LEFT JOIN sales_day o ON o.day = q.day
        ORDER BY q.day
        ON CONFLICT (day) DO UPDATE SET running_enrollments = excluded.running_enrollments, running_cents = excluded.running_cents
    ), per_course_day AS (
        SELECT x.month, x.course_id, array_agg(x.i ORDER BY x.i) AS at, array_agg(x.e ORDER BY x.i) AS e, array_agg(x.c ORDER BY x.i) AS c
        FROM (SELECT date_trunc('month', m.enrolled_at AT TIME ZONE 'UTC')::date AS month, m.course_id, date_part('day', m.enrolled_at AT TIME ZONE 'UTC')::int AS i,
                     sum(m.enrollments)::bigint AS e, (sum(m.gross_revenue) * 100)::bigint AS c
              FROM moved m WHERE m.enrolled_at IS NOT NULL AND m.course_id IS NOT NULL GROUP BY 1, 2, 3) x
        GROUP BY x.month, x.course_id
    ), month_rows AS (
        INSERT INTO sales_course_month AS t (month, course_id, running_enrollments, running_cents)
        SELECT q.month, q.course_id, sales_running_apply(o.running_enrollments, 31, q.at, q.e), sales_running_apply(o.running_cents, 31, q.at, q.c)
        FROM per_course_day q LEFT JOIN sales_course_month o ON o.month = q.month AND o.course_id = q.course_id
        ORDER BY q.month, q.course_id
        ON CONFLICT (month, course_id) DO UPDATE SET running_enrollments = excluded.running_enrollments, running_cents = excluded.running_cents
    )
    SELECT count(*) INTO v_moved FROM moved;
    IF v_moved > 0 THEN
        INSERT INTO maintenance_runs (job, ran_at, succeeded, detail) VALUES ('sales_fold', now(), true, v_moved || ' deltas folded')
        ON CONFLICT (job) DO UPDATE SET ran_at = excluded.ran_at, succeeded = true, detail = excluded.detail;
        PERFORM pg_notify('home_changes', 'sales');
    END IF;
    RETURN v_moved;
END
$$;

REVOKE ALL ON FUNCTION sales_rollups_fold(BOOLEAN, INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sales_rollups_fold(BOOLEAN, INTEGER) TO techcourse_app;
