-- The seed's view, read from the title rollup plus the deltas not folded yet: same name, columns, types and rows as
-- the capstone's plain aggregate over courses and enrollments.
CREATE OR REPLACE VIEW daily_sales_report AS
SELECT coalesce(t.title, d.title) AS course_name,
       coalesce(t.enrollments, 0) + coalesce(d.enrollments, 0) AS total_enrollments,
       CASE WHEN d.title IS NULL THEN t.gross_revenue WHEN t.title IS NULL THEN d.gross_revenue ELSE t.gross_revenue + d.gross_revenue END AS gross_revenue
FROM sales_title t
FULL JOIN (SELECT c.title, sum(x.enrollments)::bigint AS enrollments, sum(x.gross_revenue) AS gross_revenue
           FROM sales_deltas x JOIN courses c ON c.course_id = x.course_id
           GROUP BY c.title) d ON d.title = t.title
WHERE coalesce(t.enrollments, 0) + coalesce(d.enrollments, 0) > 0;

GRANT SELECT ON daily_sales_report TO techcourse_app;
