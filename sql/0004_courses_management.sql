-- Courses page: fast title search, sorted paging, sales totals per course, price history, and the writes the
-- runtime role needs to create and delete courses (still bound by 0002's row-level security policies).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX idx_courses_title_trgm ON courses USING GIN (title gin_trgm_ops);
CREATE INDEX idx_courses_title ON courses (title, course_id);
CREATE INDEX idx_courses_price ON courses (price, course_id);
-- On the jsonb value, not a cast to int, so a hand-written non-numeric passing_score cannot break writes or sorting.
CREATE INDEX idx_courses_passing_score ON courses ((quiz_metadata -> 'passing_score'), course_id);

-- Newest change of a course first: its history, and "changed by X at T from A to B" on a conflict.
CREATE INDEX idx_price_changes_course_log ON price_changes (course_id, log_id DESC);

-- Instructors picked by email (Admin filter and course dialog) without scanning a million students.
CREATE INDEX idx_users_instructor_email ON users (email) WHERE role = 'Instructor';

-- Per-course totals read by index alone (a page of 25 courses: ~11k index entries instead of ~11k heap pages).
-- Issue 6's rollup makes this redundant for the view; it may drop it then.
CREATE INDEX idx_enrollments_course_amount ON enrollments (course_id) INCLUDE (amount_paid);

-- One row per course that has enrollments. A plain aggregate here; 0006 replaces it (same columns) with a rollup.
CREATE VIEW course_sales_totals AS
SELECT course_id, count(*) AS enrollments, sum(amount_paid) AS gross_revenue
FROM enrollments
GROUP BY course_id;

GRANT SELECT ON course_sales_totals TO techcourse_app;
GRANT INSERT (instructor_id, title, price, is_published, quiz_metadata) ON courses TO techcourse_app;
GRANT DELETE ON courses TO techcourse_app;
