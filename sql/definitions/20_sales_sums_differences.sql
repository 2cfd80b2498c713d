-- Every difference between the rollups (folded + deltas) and a recomputation from enrollments, in one snapshot:
-- per course, in total, per title (folded, against its courses), per UTC quarter hour, per course and UTC day. Each
-- check is one aggregate of the expected rows and the negated actual rows, keeping the keys that do not cancel out.
CREATE OR REPLACE FUNCTION sales_sums_differences()
RETURNS TABLE (rollup TEXT, key TEXT, expected_enrollments BIGINT, actual_enrollments BIGINT, expected_amount NUMERIC, actual_amount NUMERIC)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET work_mem = '256MB' AS $$
    WITH cells AS MATERIALIZED (
        SELECT e.course_id, (e.enrolled_at AT TIME ZONE 'UTC')::date AS day, count(*) AS enrollments, sum((e.amount_paid * 100)::bigint) AS cents
        FROM enrollments e GROUP BY 1, 2
    ), deltas AS MATERIALIZED (
        SELECT d.course_id, d.enrolled_at, d.enrollments, d.gross_revenue, (d.gross_revenue * 100)::bigint AS cents FROM sales_deltas d
    ), course AS (
        SELECT x.course_id, sum(x.ee)::bigint AS ee, sum(x.ae)::bigint AS ae, sum(x.ea) AS ea, sum(x.aa) AS aa
        FROM (SELECT c.course_id, c.enrollments AS ee, 0 AS ae, c.cents * 0.01 AS ea, 0 AS aa FROM cells c
              UNION ALL SELECT s.course_id, 0, s.enrollments, 0, s.gross_revenue FROM sales_course s
              UNION ALL SELECT d.course_id, 0, d.enrollments, 0, d.gross_revenue FROM deltas d) x
        GROUP BY x.course_id
    ), title AS (
        SELECT x.title, sum(x.ee)::bigint AS ee, sum(x.ae)::bigint AS ae, sum(x.ea) AS ea, sum(x.aa) AS aa
        FROM (SELECT c.title, s.enrollments AS ee, 0 AS ae, s.gross_revenue AS ea, 0 AS aa
              FROM sales_course s JOIN courses c ON c.course_id = s.course_id
              UNION ALL SELECT t.title, 0, t.enrollments, 0, t.gross_revenue FROM sales_title t) x
        GROUP BY x.title
    ), quarter AS (
        SELECT x.day, x.i, sum(x.ee)::bigint AS ee, sum(x.ae)::bigint AS ae, sum(x.ec) AS ec, sum(x.ac) AS ac
        FROM (SELECT (e.enrolled_at AT TIME ZONE 'UTC')::date AS day, sales_quarter(e.enrolled_at) + 1 AS i, 1 AS ee, 0 AS ae, (e.amount_paid * 100)::bigint AS ec, 0 AS ac
              FROM enrollments e WHERE e.enrolled_at IS NOT NULL
              UNION ALL
              SELECT y.* FROM (
                  SELECT s.day, g.i, 0, s.running_enrollments[g.i] - coalesce(s.running_enrollments[g.i - 1], 0) AS ae,
                         0, s.running_cents[g.i] - coalesce(s.running_cents[g.i - 1], 0) AS ac
                  FROM sales_day s, generate_series(1, 96) g(i)) y WHERE y.ae <> 0 OR y.ac <> 0
              UNION ALL
              SELECT (d.enrolled_at AT TIME ZONE 'UTC')::date, sales_quarter(d.enrolled_at) + 1, 0, d.enrollments, 0, d.cents
              FROM deltas d WHERE d.enrolled_at IS NOT NULL) x
        GROUP BY x.day, x.i
    ), course_day AS (
        SELECT x.course_id, x.day, sum(x.ee)::bigint AS ee, sum(x.ae)::bigint AS ae, sum(x.ec) AS ec, sum(x.ac) AS ac
        FROM (SELECT c.course_id, c.day, c.enrollments AS ee, 0 AS ae, c.cents AS ec, 0 AS ac FROM cells c
              WHERE c.course_id IS NOT NULL AND c.day IS NOT NULL
              UNION ALL
              SELECT y.* FROM (
                  SELECT m.course_id, m.month + (g.i - 1), 0, m.running_enrollments[g.i] - coalesce(m.running_enrollments[g.i - 1], 0) AS ae,
                         0, m.running_cents[g.i] - coalesce(m.running_cents[g.i - 1], 0) AS ac
                  FROM sales_course_month m, generate_series(1, 31) g(i)) y WHERE y.ae <> 0 OR y.ac <> 0
              UNION ALL
              SELECT d.course_id, (d.enrolled_at AT TIME ZONE 'UTC')::date, 0, d.enrollments, 0, d.cents
              FROM deltas d WHERE d.course_id IS NOT NULL AND d.enrolled_at IS NOT NULL) x
        GROUP BY x.course_id, x.day
    )
    SELECT 'course', coalesce(x.course_id::text, 'none'), nullif(x.ee, 0), nullif(x.ae, 0), CASE WHEN x.ee <> 0 THEN x.ea END, CASE WHEN x.ae <> 0 OR x.aa <> 0 THEN x.aa END
    FROM course x WHERE x.ee <> x.ae OR x.ea <> x.aa
    UNION ALL
    SELECT 'total', 'all', e.enrollments, a.enrollments, e.gross_revenue, a.gross_revenue
    FROM (SELECT count(*) AS enrollments, coalesce(sum(amount_paid), 0) AS gross_revenue FROM enrollments) e,
         (SELECT t.enrollments + coalesce(d.enrollments, 0) AS enrollments, t.gross_revenue + coalesce(d.gross_revenue, 0) AS gross_revenue
          FROM sales_total t, (SELECT sum(x.enrollments)::bigint AS enrollments, sum(x.gross_revenue) AS gross_revenue FROM deltas x) d) a
    WHERE e.enrollments IS DISTINCT FROM a.enrollments OR e.gross_revenue IS DISTINCT FROM a.gross_revenue
    UNION ALL
    SELECT 'title', x.title, nullif(x.ee, 0), nullif(x.ae, 0), CASE WHEN x.ee <> 0 THEN x.ea END, CASE WHEN x.ae <> 0 OR x.aa <> 0 THEN x.aa END
    FROM title x WHERE x.ee <> x.ae OR x.ea <> x.aa
    UNION ALL
    SELECT 'quarter hour', to_char(x.day, 'YYYY-MM-DD') || ' ' || to_char(make_interval(mins => 15 * (x.i - 1)), 'HH24:MI') || ' UTC',
           nullif(x.ee, 0), nullif(x.ae, 0), CASE WHEN x.ee <> 0 THEN x.ec * 0.01 END, CASE WHEN x.ae <> 0 OR x.ac <> 0 THEN x.ac * 0.01 END
    FROM quarter x WHERE x.ee <> x.ae OR x.ec <> x.ac
    UNION ALL
    SELECT 'course day', x.course_id::text || ' ' || to_char(x.day, 'YYYY-MM-DD'),
           nullif(x.ee, 0), nullif(x.ae, 0), CASE WHEN x.ee <> 0 THEN x.ec * 0.01 END, CASE WHEN x.ae <> 0 OR x.ac <> 0 THEN x.ac * 0.01 END
    FROM course_day x WHERE x.ee <> x.ae OR x.ec <> x.ac
    ORDER BY 1, 2
$$;

REVOKE ALL ON FUNCTION sales_sums_differences() FROM PUBLIC;
