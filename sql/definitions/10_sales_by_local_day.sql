-- Enrollments and revenue per local calendar day of any IANA zone (days with no sales included), from the running
-- totals per quarter hour of sales_day plus the deltas not folded yet. Each local midnight is converted once, to its
-- Unix time; its UTC day and quarter hour are integer arithmetic on that, and a day's end is the next day's start.
-- PL/pgSQL so the plan is prepared once per connection.
CREATE OR REPLACE FUNCTION sales_by_local_day(p_zone TEXT, p_from DATE, p_to DATE)
RETURNS TABLE (day DATE, enrollments BIGINT, gross_revenue NUMERIC)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    v_first TIMESTAMPTZ := p_from::timestamp AT TIME ZONE p_zone;
    v_last TIMESTAMPTZ := (p_to + 1)::timestamp AT TIME ZONE p_zone;
BEGIN
    RETURN QUERY
    WITH midnights AS MATERIALIZED (
        SELECT g::date AS local_day, floor(extract(epoch FROM g AT TIME ZONE p_zone))::bigint AS s
        FROM generate_series(p_from::timestamp, (p_to + 1)::timestamp, interval '1 day') g
    ), days AS MATERIALIZED (  -- [start, end) of each local day: its UTC day and quarter hour (floor division, any sign)
        SELECT m.local_day,
               DATE '1970-01-01' + ((m.s - m.s_in_day) / 86400)::int AS d0, (m.s_in_day / 900)::int AS q0,
               DATE '1970-01-01' + ((m.e - m.e_in_day) / 86400)::int AS d1, (m.e_in_day / 900)::int AS q1
        FROM (SELECT y.*, mod(mod(y.s, 86400) + 86400, 86400) AS s_in_day, mod(mod(y.e, 86400) + 86400, 86400) AS e_in_day
              FROM (SELECT x.local_day, x.s, lead(x.s) OVER (ORDER BY x.local_day) AS e FROM midnights x) y) m
        WHERE m.e IS NOT NULL
    ), folded AS (
        SELECT d.local_day,
               sum(CASE WHEN r.day = d.d1 THEN coalesce(r.running_enrollments[d.q1], 0) ELSE r.running_enrollments[96] END
                   - CASE WHEN r.day = d.d0 THEN coalesce(r.running_enrollments[d.q0], 0) ELSE 0 END) AS e,
               sum(CASE WHEN r.day = d.d1 THEN coalesce(r.running_cents[d.q1], 0) ELSE r.running_cents[96] END
                   - CASE WHEN r.day = d.d0 THEN coalesce(r.running_cents[d.q0], 0) ELSE 0 END) AS c
        FROM days d
        JOIN LATERAL generate_series(d.d0, d.d1 - CASE WHEN d.q1 = 0 THEN 1 ELSE 0 END, interval '1 day') u(day) ON true
        JOIN sales_day r ON r.day = u.day::date
        WHERE r.day BETWEEN (v_first AT TIME ZONE 'UTC')::date AND (v_last AT TIME ZONE 'UTC')::date
        GROUP BY d.local_day
    ), pending AS (
        SELECT (x.enrolled_at AT TIME ZONE p_zone)::date AS local_day, sum(x.enrollments) AS e, sum(x.gross_revenue) AS r
        FROM sales_deltas x
        WHERE x.enrolled_at >= v_first AND x.enrolled_at < v_last
        GROUP BY 1
    )
    SELECT d.local_day, (coalesce(f.e, 0) + coalesce(p.e, 0))::bigint, coalesce(f.c, 0) * 0.01 + coalesce(p.r, 0)
    FROM days d
    LEFT JOIN folded f ON f.local_day = d.local_day
    LEFT JOIN pending p ON p.local_day = d.local_day
    ORDER BY d.local_day;
END
$$;

GRANT EXECUTE ON FUNCTION sales_by_local_day(TEXT, DATE, DATE) TO techcourse_app;
