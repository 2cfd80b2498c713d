-- All enrollments and revenue (the dashboard's figures): the folded total plus the deltas not folded yet.
CREATE OR REPLACE VIEW sales_grand_total AS
SELECT t.enrollments + coalesce(d.enrollments, 0) AS enrollments, t.gross_revenue + coalesce(d.gross_revenue, 0) AS gross_revenue
FROM sales_total t, (SELECT sum(x.enrollments)::bigint AS enrollments, sum(x.gross_revenue) AS gross_revenue FROM sales_deltas x) d;

GRANT SELECT ON sales_grand_total TO techcourse_app;
