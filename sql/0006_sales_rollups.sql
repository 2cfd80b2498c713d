-- Sales rollups kept exact in the same transaction as every write on enrollments (issue 6).
--
-- Two rollups, both split into 16 slots per key chosen by pg_backend_pid() % 16, so concurrent sessions update
-- different rows (no single hot row serialises sales); reads sum the slots.
--   sales_by_course: enrollments and gross revenue per course (course_id NULL = enrollments without a course).
--   sales_by_day:    per UTC day, totals plus running totals per quarter hour (element i = the first i quarter hours
--                    of the day, 1..96). Every local midnight of every IANA zone from 2000 to 2037 (checked against
--                    PostgreSQL's tz database) falls on a quarter hour in UTC, so any zone's day total is the
--                    difference of two running totals: O(days) to read, whatever the zone.
-- Fillfactor 50 leaves room for HOT updates of the counters.
-- Revenue by day is held in cents (amount_paid is NUMERIC(10,2), so cents are exact) to keep the arrays fixed width.

CREATE TABLE sales_by_course (
    course_id INT,
    slot SMALLINT NOT NULL,
    enrollments BIGINT NOT NULL,
    gross_revenue NUMERIC NOT NULL,
    CONSTRAINT sales_by_course_key UNIQUE NULLS NOT DISTINCT (course_id, slot)
) WITH (fillfactor = 50);

CREATE TABLE sales_by_day (
    day DATE,
    slot SMALLINT NOT NULL,
    enrollments BIGINT NOT NULL,
    revenue_cents BIGINT NOT NULL,
    running_enrollments BIGINT[],
    running_cents BIGINT[],
    CONSTRAINT sales_by_day_key UNIQUE NULLS NOT DISTINCT (day, slot)
) WITH (fillfactor = 50);
ALTER TABLE sales_by_day ALTER COLUMN running_enrollments SET STORAGE MAIN, ALTER COLUMN running_cents SET STORAGE MAIN;

-- Adds d to elements q..96 of a running-total array (q NULL or arr NULL: unchanged).
CREATE FUNCTION sales_running_add(arr BIGINT[], q INT, d BIGINT) RETURNS BIGINT[]
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF arr IS NULL OR q IS NULL OR d = 0 THEN RETURN arr; END IF;
    FOR i IN q..96 LOOP
        arr[i] := arr[i] + d;
    END LOOP;
    RETURN arr;
END
$$;

-- Quarter hour of the UTC day (1..96) an instant falls in.
CREATE FUNCTION sales_quarter_of(t TIMESTAMPTZ) RETURNS INT
LANGUAGE sql IMMUTABLE AS $$
    SELECT (floor(((extract(epoch FROM t) % 86400) + 86400) % 86400 / 900))::int + 1
$$;

-- One signed change (+1/amount for a new row, -1/-amount for a removed one) in the caller's slot.
CREATE FUNCTION sales_rollup_apply(p_course INT, p_at TIMESTAMPTZ, p_count INT, p_amount NUMERIC) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_slot SMALLINT := pg_backend_pid() % 16;
    v_day DATE := (p_at AT TIME ZONE 'UTC')::date;
    v_q INT := sales_quarter_of(p_at);
    v_cents BIGINT := (p_amount * 100)::bigint;
BEGIN
    INSERT INTO sales_by_course AS r (course_id, slot, enrollments, gross_revenue)
    VALUES (p_course, v_slot, p_count, p_amount)
    ON CONFLICT (course_id, slot) DO UPDATE
        SET enrollments = r.enrollments + excluded.enrollments, gross_revenue = r.gross_revenue + excluded.gross_revenue;

    INSERT INTO sales_by_day AS r (day, slot, enrollments, revenue_cents, running_enrollments, running_cents)
    VALUES (v_day, v_slot, p_count, v_cents,
            sales_running_add(CASE WHEN v_day IS NOT NULL THEN array_fill(0::bigint, ARRAY[96]) END, v_q, p_count),
            sales_running_add(CASE WHEN v_day IS NOT NULL THEN array_fill(0::bigint, ARRAY[96]) END, v_q, v_cents))
    ON CONFLICT (day, slot) DO UPDATE
        SET enrollments = r.enrollments + excluded.enrollments,
            revenue_cents = r.revenue_cents + excluded.revenue_cents,
            running_enrollments = sales_running_add(r.running_enrollments, v_q, p_count),
            running_cents = sales_running_add(r.running_cents, v_q, v_cents);
END
$$;

CREATE FUNCTION sales_rollup_track() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM sales_rollup_apply(OLD.course_id, OLD.enrolled_at, -1, -OLD.amount_paid);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM sales_rollup_apply(NEW.course_id, NEW.enrolled_at, 1, NEW.amount_paid);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION sales_rollup_truncate() RETURNS TRIGGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM sales_by_course;
    DELETE FROM sales_by_day;
    RETURN NULL;
END
$$;

CREATE TRIGGER sales_rollup_insert_delete AFTER INSERT OR DELETE ON enrollments
    FOR EACH ROW EXECUTE FUNCTION sales_rollup_track();
CREATE TRIGGER sales_rollup_update AFTER UPDATE OF course_id, amount_paid, enrolled_at ON enrollments
    FOR EACH ROW WHEN (OLD.course_id IS DISTINCT FROM NEW.course_id OR OLD.amount_paid IS DISTINCT FROM NEW.amount_paid
                       OR OLD.enrolled_at IS DISTINCT FROM NEW.enrolled_at)
    EXECUTE FUNCTION sales_rollup_track();
CREATE TRIGGER sales_rollup_truncate AFTER TRUNCATE ON enrollments
    FOR EACH STATEMENT EXECUTE FUNCTION sales_rollup_truncate();

-- What the rollups must hold, recomputed from enrollments (one row per key; running arrays in slot form).
CREATE FUNCTION sales_expected_by_course() RETURNS TABLE (course_id INT, enrollments BIGINT, gross_revenue NUMERIC)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT e.course_id, count(*), sum(e.amount_paid) FROM enrollments e GROUP BY e.course_id
$$;

CREATE FUNCTION sales_expected_by_quarter() RETURNS TABLE (day DATE, quarter INT, enrollments BIGINT, revenue_cents BIGINT)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT (e.enrolled_at AT TIME ZONE 'UTC')::date, sales_quarter_of(e.enrolled_at), count(*), sum(e.amount_paid * 100)::bigint
    FROM enrollments e GROUP BY 1, 2
$$;

-- Rebuilds both rollups from enrollments, holding off writers meanwhile (SHARE lock), and folds all slots into slot 0.
CREATE FUNCTION sales_rollups_rebuild() RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    LOCK TABLE enrollments IN SHARE MODE;
    LOCK TABLE sales_by_course, sales_by_day IN EXCLUSIVE MODE;
    DELETE FROM sales_by_course;
    DELETE FROM sales_by_day;
    INSERT INTO sales_by_course (course_id, slot, enrollments, gross_revenue)
    SELECT x.course_id, 0, x.enrollments, x.gross_revenue FROM sales_expected_by_course() x;
    WITH x AS MATERIALIZED (SELECT * FROM sales_expected_by_quarter()),
    grid AS (
        SELECT d.day, g.i, coalesce(x.enrollments, 0) AS e, coalesce(x.revenue_cents, 0) AS c
        FROM (SELECT DISTINCT x.day FROM x WHERE x.day IS NOT NULL) d
        CROSS JOIN generate_series(1, 96) g(i)
        LEFT JOIN x ON x.day = d.day AND x.quarter = g.i
    )
    INSERT INTO sales_by_day (day, slot, enrollments, revenue_cents, running_enrollments, running_cents)
    SELECT q.day, 0, sum(q.e)::bigint, sum(q.c)::bigint, array_agg(q.run_e::bigint ORDER BY q.i), array_agg(q.run_c::bigint ORDER BY q.i)
    FROM (SELECT grid.*, sum(grid.e) OVER w AS run_e, sum(grid.c) OVER w AS run_c FROM grid WINDOW w AS (PARTITION BY grid.day ORDER BY grid.i)) q
    GROUP BY q.day
    UNION ALL
    SELECT NULL, 0, sum(x.enrollments)::bigint, sum(x.revenue_cents)::bigint, NULL, NULL FROM x WHERE x.day IS NULL HAVING count(*) > 0;
END
$$;

-- Every difference between the rollups and a recomputation from enrollments (none = exact), in one snapshot.
CREATE FUNCTION sales_rollups_differences()
RETURNS TABLE (rollup TEXT, key TEXT, expected_enrollments BIGINT, actual_enrollments BIGINT, expected_amount NUMERIC, actual_amount NUMERIC)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH actual_course AS (
        SELECT course_id, sum(enrollments)::bigint AS enrollments, sum(gross_revenue) AS gross_revenue
        FROM sales_by_course GROUP BY course_id HAVING sum(enrollments) <> 0 OR sum(gross_revenue) <> 0
    ), actual_day AS (
        SELECT day, sum(enrollments)::bigint AS enrollments, sum(revenue_cents)::bigint AS revenue_cents
        FROM sales_by_day GROUP BY day HAVING sum(enrollments) <> 0 OR sum(revenue_cents) <> 0
    ), actual_running AS (
        SELECT s.day, u.i::int AS quarter, sum(u.e)::bigint AS run_e, sum(u.c)::bigint AS run_c
        FROM sales_by_day s, unnest(s.running_enrollments, s.running_cents) WITH ORDINALITY AS u(e, c, i)
        WHERE s.day IS NOT NULL GROUP BY s.day, u.i
    ), actual_quarter AS (
        SELECT day, quarter, run_e - coalesce(lag(run_e) OVER w, 0) AS enrollments, run_c - coalesce(lag(run_c) OVER w, 0) AS revenue_cents
        FROM actual_running WINDOW w AS (PARTITION BY day ORDER BY quarter)
    ), expected_quarter AS MATERIALIZED (
        SELECT * FROM sales_expected_by_quarter()
    ), expected_day AS (
        SELECT day, sum(enrollments)::bigint AS enrollments, sum(revenue_cents)::bigint AS revenue_cents
        FROM expected_quarter GROUP BY day
    )
    SELECT 'course', coalesce(e.k, a.k), e.enrollments, a.enrollments, e.gross_revenue, a.gross_revenue
    FROM (SELECT coalesce(x.course_id::text, 'none') AS k, x.* FROM sales_expected_by_course() x) e
    FULL JOIN (SELECT coalesce(x.course_id::text, 'none') AS k, x.* FROM actual_course x) a ON a.k = e.k
    WHERE e.enrollments IS DISTINCT FROM a.enrollments OR e.gross_revenue IS DISTINCT FROM a.gross_revenue
    UNION ALL
    SELECT 'day', coalesce(e.k, a.k), e.enrollments, a.enrollments, e.revenue_cents * 0.01, a.revenue_cents * 0.01
    FROM (SELECT coalesce(x.day::text, 'none') AS k, x.* FROM expected_day x) e
    FULL JOIN (SELECT coalesce(x.day::text, 'none') AS k, x.* FROM actual_day x) a ON a.k = e.k
    WHERE e.enrollments IS DISTINCT FROM a.enrollments OR e.revenue_cents IS DISTINCT FROM a.revenue_cents
    UNION ALL
    SELECT 'quarter hour', to_char(coalesce(e.day, a.day), 'YYYY-MM-DD') || ' ' || to_char(make_interval(mins => 15 * (coalesce(e.quarter, a.quarter) - 1)), 'HH24:MI') || ' UTC',
           e.enrollments, a.enrollments, e.revenue_cents * 0.01, a.revenue_cents * 0.01
    FROM (SELECT * FROM expected_quarter WHERE day IS NOT NULL) e
    FULL JOIN (SELECT * FROM actual_quarter WHERE enrollments <> 0 OR revenue_cents <> 0) a ON a.day = e.day AND a.quarter = e.quarter
    WHERE e.enrollments IS DISTINCT FROM a.enrollments OR e.revenue_cents IS DISTINCT FROM a.revenue_cents
    ORDER BY 1, 2
$$;

-- Enrollments and revenue per local calendar day of any IANA zone, from the running totals: day d covers
-- [local midnight of d, local midnight of d + 1), each midnight a quarter hour in UTC.
CREATE FUNCTION sales_by_local_day(p_zone TEXT, p_from DATE, p_to DATE)
RETURNS TABLE (day DATE, enrollments BIGINT, gross_revenue NUMERIC)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH bounds AS MATERIALIZED (
        SELECT b.local_day, (b.starts AT TIME ZONE 'UTC')::date AS utc_day, sales_quarter_of(b.starts) - 1 AS q
        FROM (SELECT g::date AS local_day, (g AT TIME ZONE p_zone) AS starts
              FROM generate_series(p_from::timestamp, p_to::timestamp + interval '1 day', interval '1 day') g) b
    ), span AS (
        SELECT min(utc_day) AS lo, max(utc_day) AS hi FROM bounds
    ), utc_days AS (
        SELECT g::date AS day, coalesce(t.e, 0) AS e, coalesce(t.c, 0) AS c
        FROM span CROSS JOIN generate_series(span.lo, span.hi, interval '1 day') g
        LEFT JOIN (SELECT s.day, sum(s.enrollments) AS e, sum(s.revenue_cents) AS c
                   FROM sales_by_day s, span WHERE s.day BETWEEN span.lo AND span.hi GROUP BY s.day) t ON t.day = g::date
    ), before_day AS (
        SELECT day, sum(e) OVER w - e AS e, sum(c) OVER w - c AS c FROM utc_days WINDOW w AS (ORDER BY day)
    ), partial AS (
        SELECT b.local_day, sum(s.running_enrollments[b.q]) AS e, sum(s.running_cents[b.q]) AS c
        FROM bounds b JOIN sales_by_day s ON s.day = b.utc_day
        WHERE b.q > 0
        GROUP BY b.local_day
    ), cumulative AS (
        SELECT b.local_day, d.e + coalesce(p.e, 0) AS e, d.c + coalesce(p.c, 0) AS c
        FROM bounds b
        JOIN before_day d ON d.day = b.utc_day
        LEFT JOIN partial p ON p.local_day = b.local_day
    )
    SELECT local_day, (lead(e) OVER w - e)::bigint, (lead(c) OVER w - c) * 0.01
    FROM cumulative WINDOW w AS (ORDER BY local_day)
    ORDER BY local_day
    LIMIT (p_to - p_from + 1)
$$;

-- The seed's view, now read from the rollup: same name, columns, types and rows.
CREATE OR REPLACE VIEW daily_sales_report AS
SELECT
    c.title AS course_name,
    sum(r.enrollments)::bigint AS total_enrollments,
    sum(r.gross_revenue) AS gross_revenue
FROM courses c
JOIN sales_by_course r ON c.course_id = r.course_id
GROUP BY c.title
HAVING sum(r.enrollments) > 0;

-- The courses grid's contract (issue 4 creates it as a plain aggregate in 0004): one row per course with enrollments.
CREATE OR REPLACE VIEW course_sales_totals AS
SELECT r.course_id, sum(r.enrollments)::bigint AS enrollments, sum(r.gross_revenue) AS gross_revenue
FROM sales_by_course r
WHERE r.course_id IS NOT NULL
GROUP BY r.course_id
HAVING sum(r.enrollments) > 0;

-- Per-course breakdowns for a date range read enrollments by time without touching the heap.
CREATE INDEX idx_enrollments_enrolled_at ON enrollments (enrolled_at) INCLUDE (course_id, amount_paid);

GRANT SELECT ON sales_by_course, sales_by_day, course_sales_totals TO techcourse_app;
REVOKE ALL ON FUNCTION sales_rollup_apply(INT, TIMESTAMPTZ, INT, NUMERIC), sales_rollups_rebuild(), sales_rollups_differences() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sales_by_local_day(TEXT, DATE, DATE) TO techcourse_app;

SELECT sales_rollups_rebuild();
