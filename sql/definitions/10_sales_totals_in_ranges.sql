-- Enrollments and revenue over each instant range [p_from[k], p_to[k]) (k from 1), from the running totals per UTC
-- quarter hour of sales_day plus the deltas not folded yet: each UTC day the range touches adds its running total up to
-- the range's end on that day (the whole day, element 96, before the last) less its running total up to the range's
-- start (on the first day only). Exact for ranges between local midnights of any zone: they all fall on UTC quarter
-- hours (see sales_day). One row of sales_day per day, whatever the range's length in local days.
CREATE OR REPLACE FUNCTION sales_totals_in_ranges(p_from TIMESTAMPTZ[], p_to TIMESTAMPTZ[])
RETURNS TABLE (k BIGINT, enrollments BIGINT, gross_revenue NUMERIC)
LANGUAGE sql STABLE AS $$
    SELECT r.k, (coalesce(f.e, 0) + coalesce(p.e, 0))::bigint, coalesce(f.c, 0) * 0.01 + coalesce(p.r, 0)
    FROM (SELECT u.k, u.f, u.t, (u.f AT TIME ZONE 'UTC')::date AS d0, sales_quarter(u.f) AS q0, (u.t AT TIME ZONE 'UTC')::date AS d1, sales_quarter(u.t) AS q1
          FROM unnest(p_from, p_to) WITH ORDINALITY AS u(f, t, k)) r
    LEFT JOIN LATERAL (
        SELECT sum(CASE WHEN d.day = r.d1 THEN coalesce(d.running_enrollments[r.q1], 0) ELSE d.running_enrollments[96] END
                   - CASE WHEN d.day = r.d0 THEN coalesce(d.running_enrollments[r.q0], 0) ELSE 0 END) AS e,
               sum(CASE WHEN d.day = r.d1 THEN coalesce(d.running_cents[r.q1], 0) ELSE d.running_cents[96] END
                   - CASE WHEN d.day = r.d0 THEN coalesce(d.running_cents[r.q0], 0) ELSE 0 END) AS c
        FROM sales_day d
        WHERE d.day BETWEEN r.d0 AND r.d1 AND r.f < r.t) f ON true
    LEFT JOIN LATERAL (
        SELECT sum(x.enrollments) AS e, sum(x.gross_revenue) AS r
        FROM sales_deltas x
        WHERE x.enrolled_at >= r.f AND x.enrolled_at < r.t) p ON true
    ORDER BY r.k
$$;

GRANT EXECUTE ON FUNCTION sales_totals_in_ranges(TIMESTAMPTZ[], TIMESTAMPTZ[]) TO techcourse_app;
