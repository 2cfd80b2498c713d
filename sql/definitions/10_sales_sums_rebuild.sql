-- Recomputes every sales rollup except sales_difficulty from enrollments, holding off enrollment writes meanwhile
-- (SHARE lock): two passes over enrollments (per course and UTC day, per UTC quarter hour) into scratch tables, then
-- each rollup is brought to them by writing only the rows that differ, so a rebuild of correct rollups leaves no dead
-- rows.
CREATE OR REPLACE FUNCTION sales_sums_rebuild() RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET work_mem = '256MB' AS $$
BEGIN
    LOCK TABLE enrollments IN SHARE MODE;
    PERFORM pg_advisory_xact_lock(hashtext('techcourse.sales.fold'));
    IF to_regclass('pg_temp.sales_rebuild_cells') IS NOT NULL THEN  -- a second rebuild in the same transaction
        DROP TABLE pg_temp.sales_rebuild_cells, pg_temp.sales_rebuild_course, pg_temp.sales_rebuild_title,
            pg_temp.sales_rebuild_day, pg_temp.sales_rebuild_month;
    END IF;

    CREATE TEMP TABLE sales_rebuild_cells ON COMMIT DROP AS
    SELECT e.course_id, (e.enrolled_at AT TIME ZONE 'UTC')::date AS day, count(*) AS enrollments, sum((e.amount_paid * 100)::bigint) AS cents
    FROM enrollments e GROUP BY 1, 2;

    CREATE TEMP TABLE sales_rebuild_course ON COMMIT DROP AS
    SELECT c.course_id, coalesce(x.enrollments, 0) AS enrollments, coalesce(x.gross_revenue, 0.00) AS gross_revenue
    FROM courses c
    LEFT JOIN (SELECT y.course_id, sum(y.enrollments)::bigint AS enrollments, sum(y.cents) * 0.01 AS gross_revenue
               FROM sales_rebuild_cells y WHERE y.course_id IS NOT NULL GROUP BY y.course_id) x ON x.course_id = c.course_id
    UNION ALL
    SELECT NULL, sum(y.enrollments)::bigint, sum(y.cents) * 0.01 FROM sales_rebuild_cells y WHERE y.course_id IS NULL HAVING count(*) > 0;

    CREATE TEMP TABLE sales_rebuild_title ON COMMIT DROP AS
    SELECT c.title, sum(n.enrollments)::bigint AS enrollments, sum(n.gross_revenue) AS gross_revenue
    FROM sales_rebuild_course n JOIN courses c ON c.course_id = n.course_id GROUP BY c.title;

    -- Running totals: each day's (quarter's) running value fills the array up to the next day (quarter) with sales.
    CREATE TEMP TABLE sales_rebuild_month ON COMMIT DROP AS
    SELECT r.month, r.course_id,
           array_fill(0::bigint, ARRAY[min(r.i) - 1]) || array_agg(r.run_e ORDER BY g.i) AS running_enrollments,
           array_fill(0::bigint, ARRAY[min(r.i) - 1]) || array_agg(r.run_c ORDER BY g.i) AS running_cents
    FROM (SELECT x.month, x.course_id, x.i, (sum(x.enrollments) OVER w)::bigint AS run_e, (sum(x.cents) OVER w)::bigint AS run_c,
                 coalesce(lead(x.i) OVER w, 32) AS next_i
          FROM (SELECT date_trunc('month', c.day)::date AS month, c.course_id, date_part('day', c.day)::int AS i, c.enrollments, c.cents
                FROM sales_rebuild_cells c WHERE c.course_id IS NOT NULL AND c.day IS NOT NULL) x
          WINDOW w AS (PARTITION BY x.month, x.course_id ORDER BY x.i)) r
    CROSS JOIN LATERAL generate_series(r.i, r.next_i - 1) g(i)
    GROUP BY r.month, r.course_id;

    CREATE TEMP TABLE sales_rebuild_day ON COMMIT DROP AS
    SELECT r.day,
           array_fill(0::bigint, ARRAY[min(r.i) - 1]) || array_agg(r.run_e ORDER BY g.i) AS running_enrollments,
           array_fill(0::bigint, ARRAY[min(r.i) - 1]) || array_agg(r.run_c ORDER BY g.i) AS running_cents
    FROM (SELECT x.day, x.i, (sum(x.enrollments) OVER w)::bigint AS run_e, (sum(x.cents) OVER w)::bigint AS run_c,
                 coalesce(lead(x.i) OVER w, 97) AS next_i
          FROM (SELECT (e.enrolled_at AT TIME ZONE 'UTC')::date AS day, sales_quarter(e.enrolled_at) + 1 AS i,
                       count(*) AS enrollments, sum((e.amount_paid * 100)::bigint) AS cents
                FROM enrollments e WHERE e.enrolled_at IS NOT NULL GROUP BY 1, 2) x
          WINDOW w AS (PARTITION BY x.day ORDER BY x.i)) r
    CROSS JOIN LATERAL generate_series(r.i, r.next_i - 1) g(i)
    GROUP BY r.day;

    DELETE FROM sales_deltas;

    DELETE FROM sales_course t WHERE t.course_id IS NULL OR NOT EXISTS (SELECT 1 FROM sales_rebuild_course n WHERE n.course_id = t.course_id);
    UPDATE sales_course t SET enrollments = n.enrollments, gross_revenue = n.gross_revenue FROM sales_rebuild_course n
    WHERE n.course_id = t.course_id AND (t.enrollments, t.gross_revenue) IS DISTINCT FROM (n.enrollments, n.gross_revenue);
    INSERT INTO sales_course (course_id, enrollments, gross_revenue)
    SELECT n.course_id, n.enrollments, n.gross_revenue FROM sales_rebuild_course n
    WHERE n.course_id IS NULL OR NOT EXISTS (SELECT 1 FROM sales_course t WHERE t.course_id = n.course_id);

    DELETE FROM sales_title t WHERE NOT EXISTS (SELECT 1 FROM sales_rebuild_title n WHERE n.title = t.title);
    UPDATE sales_title t SET enrollments = n.enrollments, gross_revenue = n.gross_revenue FROM sales_rebuild_title n
    WHERE n.title = t.title AND (t.enrollments, t.gross_revenue) IS DISTINCT FROM (n.enrollments, n.gross_revenue);
    INSERT INTO sales_title (title, enrollments, gross_revenue)
    SELECT n.title, n.enrollments, n.gross_revenue FROM sales_rebuild_title n WHERE NOT EXISTS (SELECT 1 FROM sales_title t WHERE t.title = n.title);

    DELETE FROM sales_day t WHERE NOT EXISTS (SELECT 1 FROM sales_rebuild_day n WHERE n.day = t.day);
    UPDATE sales_day t SET running_enrollments = n.running_enrollments, running_cents = n.running_cents FROM sales_rebuild_day n
    WHERE n.day = t.day AND (t.running_enrollments, t.running_cents) IS DISTINCT FROM (n.running_enrollments, n.running_cents);
    INSERT INTO sales_day (day, running_enrollments, running_cents)
    SELECT n.day, n.running_enrollments, n.running_cents FROM sales_rebuild_day n WHERE NOT EXISTS (SELECT 1 FROM sales_day t WHERE t.day = n.day);

    DELETE FROM sales_course_month t
    WHERE NOT EXISTS (SELECT 1 FROM sales_rebuild_month n WHERE n.month = t.month AND n.course_id = t.course_id);
    UPDATE sales_course_month t SET running_enrollments = n.running_enrollments, running_cents = n.running_cents FROM sales_rebuild_month n
    WHERE n.month = t.month AND n.course_id = t.course_id
      AND (t.running_enrollments, t.running_cents) IS DISTINCT FROM (n.running_enrollments, n.running_cents);
    INSERT INTO sales_course_month (month, course_id, running_enrollments, running_cents)
    SELECT n.month, n.course_id, n.running_enrollments, n.running_cents FROM sales_rebuild_month n
    WHERE NOT EXISTS (SELECT 1 FROM sales_course_month t WHERE t.month = n.month AND t.course_id = n.course_id)
    ORDER BY n.month, n.course_id;

    UPDATE sales_total t SET enrollments = x.enrollments, gross_revenue = x.gross_revenue
    FROM (SELECT coalesce(sum(n.enrollments), 0)::bigint AS enrollments, coalesce(sum(n.gross_revenue), 0.00) AS gross_revenue FROM sales_rebuild_course n) x
    WHERE (t.enrollments, t.gross_revenue) IS DISTINCT FROM (x.enrollments, x.gross_revenue);
END
$$;

REVOKE ALL ON FUNCTION sales_sums_rebuild() FROM PUBLIC;
