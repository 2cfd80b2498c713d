-- Every query the Courses page runs, as the app sends it (CoursesQueries / CoursesStore), under EXPLAIN ANALYZE.
-- Run: docs/perf/courses-explain.sh <database>   (psql connection from PG* environment variables)
\set instructor '''67e59c02-0efc-4e28-bfed-1ae656522623'''
\set page_cols 'c.course_id, c.title, c.price, c.is_published, c.instructor_id, u.email AS instructor_email, c.quiz_metadata ->> ''difficulty'' AS difficulty, c.quiz_metadata ->> ''passing_score'' AS passing_score, coalesce(t.enrollments, 0) AS enrollments, coalesce(t.gross_revenue, 0) AS gross_revenue'
\set totals 'LEFT JOIN LATERAL (SELECT s.enrollments, s.gross_revenue FROM course_sales_totals s WHERE s.course_id = c.course_id OFFSET 0) t ON true'

\echo ### first page (title asc, 25 rows)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true ORDER BY c.title ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.title ASC NULLS LAST, c.course_id ASC;
\echo ### first page count
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true;
\echo ### deep page (title asc, offset 9975)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true ORDER BY c.title ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 9975)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.title ASC NULLS LAST, c.course_id ASC;
\echo ### deep page 100 rows (title desc, offset 9900)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true ORDER BY c.title DESC NULLS LAST, c.course_id DESC LIMIT 100 OFFSET 9900)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.title DESC NULLS LAST, c.course_id DESC;
\echo ### search 'rust' (202 hits)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true AND c.title ILIKE '%rust%' ORDER BY c.title ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.title ASC NULLS LAST, c.course_id ASC;
\echo ### search 'rust' count
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true AND c.title ILIKE '%rust%';
\echo ### search 'cloud architecture masterclass'
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true AND c.title ILIKE '%cloud architecture masterclass%' ORDER BY c.title ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.title ASC NULLS LAST, c.course_id ASC;
\echo ### filter published
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true AND c.is_published = true ORDER BY c.title ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.title ASC NULLS LAST, c.course_id ASC;
\echo ### filter difficulty Hard (@>)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true AND c.quiz_metadata @> '{"difficulty":"Hard"}'::jsonb ORDER BY c.title ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.title ASC NULLS LAST, c.course_id ASC;
\echo ### filter difficulty Hard count
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true AND c.quiz_metadata @> '{"difficulty":"Hard"}'::jsonb;
\echo ### filter difficulty Hard + passing score 80 (@>)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true AND c.quiz_metadata @> '{"difficulty":"Hard","passing_score":80}'::jsonb ORDER BY c.title ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.title ASC NULLS LAST, c.course_id ASC;
\echo ### filter price 20..50
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true AND c.price >= 20 AND c.price <= 50 ORDER BY c.title ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.title ASC NULLS LAST, c.course_id ASC;
\echo ### filter instructor (admin) / an instructors own view
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true AND c.instructor_id = :instructor ORDER BY c.title ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.title ASC NULLS LAST, c.course_id ASC;
\echo ### sort price desc
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true ORDER BY c.price DESC NULLS LAST, c.course_id DESC LIMIT 25 OFFSET 0)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY c.price DESC NULLS LAST, c.course_id DESC;
\echo ### sort passing score asc
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.* FROM courses c WHERE true ORDER BY (c.quiz_metadata -> 'passing_score') ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :page_cols FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id :totals ORDER BY (c.quiz_metadata -> 'passing_score') ASC NULLS LAST, c.course_id ASC;
\echo ### sort enrollments desc (totals of all courses)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.*, t.enrollments, t.gross_revenue FROM courses c :totals WHERE true ORDER BY coalesce(t.enrollments, 0) DESC NULLS LAST, c.course_id DESC LIMIT 25 OFFSET 0)
SELECT c.course_id, c.title, c.price, c.is_published, c.instructor_id, u.email AS instructor_email, c.quiz_metadata ->> 'difficulty' AS difficulty, c.quiz_metadata ->> 'passing_score' AS passing_score, coalesce(c.enrollments, 0) AS enrollments, coalesce(c.gross_revenue, 0) AS gross_revenue
FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id ORDER BY coalesce(c.enrollments, 0) DESC NULLS LAST, c.course_id DESC;
\echo ### sort revenue desc within an instructor
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.*, t.enrollments, t.gross_revenue FROM courses c :totals WHERE true AND c.instructor_id = :instructor ORDER BY coalesce(t.gross_revenue, 0) DESC NULLS LAST, c.course_id DESC LIMIT 25 OFFSET 0)
SELECT c.course_id, c.title, c.price, c.is_published, c.instructor_id, u.email AS instructor_email, c.quiz_metadata ->> 'difficulty' AS difficulty, c.quiz_metadata ->> 'passing_score' AS passing_score, coalesce(c.enrollments, 0) AS enrollments, coalesce(c.gross_revenue, 0) AS gross_revenue
FROM page c LEFT JOIN users u ON u.user_id = c.instructor_id ORDER BY coalesce(c.gross_revenue, 0) DESC NULLS LAST, c.course_id DESC;
\echo ### instructor autocomplete 'raheem'
EXPLAIN (ANALYZE, BUFFERS) SELECT user_id, email FROM users WHERE role = 'Instructor' AND email ILIKE '%raheem%' ORDER BY email LIMIT 20;
\echo ### price history of a course (newest first)
EXPLAIN (ANALYZE, BUFFERS) SELECT p.log_id, p.changed_at, p.old_price, p.new_price, u.email AS changed_by, p.source, p.reason
FROM price_changes p LEFT JOIN users u ON u.user_id = p.changed_by
WHERE p.course_id = 4242 AND EXISTS (SELECT 1 FROM courses c WHERE c.course_id = 4242 AND (true OR c.instructor_id = :instructor))
ORDER BY p.log_id DESC LIMIT 200;
\echo ### conflict: latest change of a course
EXPLAIN (ANALYZE, BUFFERS) SELECT p.log_id, p.changed_at, p.old_price, p.new_price, u.email AS changed_by, p.source, p.reason
FROM price_changes p LEFT JOIN users u ON u.user_id = p.changed_by WHERE p.course_id = 4242 ORDER BY p.log_id DESC LIMIT 1;
\echo ### price update with audit trigger (as the runtime role, inside the actor transaction; rolled back)
BEGIN;
SELECT set_config('app.user_id', :instructor, true), set_config('app.role', 'Instructor', true), set_config('app.change_reason', 'bench', true);
SET LOCAL ROLE techcourse_app;
SELECT price AS p FROM courses WHERE course_id = (SELECT min(course_id) FROM courses WHERE instructor_id = :instructor) \gset
EXPLAIN (ANALYZE, BUFFERS) UPDATE courses SET price = :p + 1 WHERE course_id = (SELECT min(course_id) FROM courses WHERE instructor_id = :instructor) AND price = :p;
ROLLBACK;
