-- One row per course with enrollments: its folded row (every course has one) plus its pending deltas. A lookup by
-- course_id reaches both; reading every course is one hash join, not an aggregate of every course.
CREATE OR REPLACE VIEW course_sales_totals AS
SELECT s.course_id, s.enrollments + coalesce(d.enrollments, 0) AS enrollments,
       CASE WHEN d.course_id IS NULL THEN s.gross_revenue ELSE s.gross_revenue + d.gross_revenue END AS gross_revenue
FROM sales_course s
LEFT JOIN (SELECT x.course_id, sum(x.enrollments)::bigint AS enrollments, sum(x.gross_revenue) AS gross_revenue
           FROM sales_deltas x GROUP BY x.course_id) d ON d.course_id = s.course_id
WHERE s.course_id IS NOT NULL AND s.enrollments + coalesce(d.enrollments, 0) > 0;

GRANT SELECT ON course_sales_totals TO techcourse_app;
