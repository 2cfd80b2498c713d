-- Every query the Courses page runs, as the app sends it (CoursesQueries / CoursesStore), under EXPLAIN ANALYZE.
-- Run: docs/perf/courses-explain.sh <database>   (psql connection from PG* environment variables)
\set instructor '''67e59c02-0efc-4e28-bfed-1ae656522623'''
\set cols 'c.course_id, c.title, c.price, c.is_published, c.instructor_id, u.email AS instructor_email, c.quiz_metadata ->> ''difficulty'' AS difficulty, c.quiz_metadata ->> ''passing_score'' AS passing_score, coalesce(t.enrollments, 0) AS enrollments, coalesce(t.gross_revenue, 0) AS gross_revenue'
\set tail 'JOIN courses c ON c.course_id = p.course_id LEFT JOIN users u ON u.user_id = c.instructor_id LEFT JOIN LATERAL (SELECT s.enrollments, s.gross_revenue FROM course_sales_totals s WHERE s.course_id = c.course_id OFFSET 0) t ON true'
\echo ### first page (title asc, 25 rows)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true ORDER BY c.title ASC, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.title ASC, c.course_id ASC;
\echo ### count, no filter
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true;
\echo ### deep page (title asc, 25 rows at offset 9975)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true ORDER BY c.title ASC, c.course_id ASC LIMIT 25 OFFSET 9975)
SELECT :cols FROM page p :tail ORDER BY c.title ASC, c.course_id ASC;
\echo ### deep page (title desc, 100 rows at offset 9900)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true ORDER BY c.title DESC, c.course_id DESC LIMIT 100 OFFSET 9900)
SELECT :cols FROM page p :tail ORDER BY c.title DESC, c.course_id DESC;
\echo ### search rust (202 hits)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM (SELECT * FROM courses c WHERE true AND c.title ILIKE '%rust%' OFFSET 0) c ORDER BY c.title ASC, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.title ASC, c.course_id ASC;
\echo ### count, search rust
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true AND c.title ILIKE '%rust%';
\echo ### search cloud architecture masterclass
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM (SELECT * FROM courses c WHERE true AND c.title ILIKE '%cloud architecture masterclass%' OFFSET 0) c ORDER BY c.title ASC, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.title ASC, c.course_id ASC;
\echo ### search course (broad, most titles)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM (SELECT * FROM courses c WHERE true AND c.title ILIKE '%course%' OFFSET 0) c ORDER BY c.title ASC, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.title ASC, c.course_id ASC;
\echo ### filter published
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true AND c.is_published = true ORDER BY c.title ASC, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.title ASC, c.course_id ASC;
\echo ### count, published
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true AND c.is_published = true;
\echo ### filter difficulty Hard (@>)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true AND c.quiz_metadata @> '{"difficulty":"Hard"}'::jsonb ORDER BY c.title ASC, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.title ASC, c.course_id ASC;
\echo ### count, difficulty Hard
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true AND c.quiz_metadata @> '{"difficulty":"Hard"}'::jsonb;
\echo ### filter difficulty Hard + passing score 80 (@>)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true AND c.quiz_metadata @> '{"difficulty":"Hard","passing_score":80}'::jsonb ORDER BY c.title ASC, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.title ASC, c.course_id ASC;
\echo ### count, difficulty Hard + passing score 80
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true AND c.quiz_metadata @> '{"difficulty":"Hard","passing_score":80}'::jsonb;
\echo ### filter price 20..50
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true AND c.price >= 20 AND c.price <= 50 ORDER BY c.title ASC, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.title ASC, c.course_id ASC;
\echo ### count, price 20..50
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true AND c.price >= 20 AND c.price <= 50;
\echo ### filter instructor (Admin) = an instructors own view
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true AND c.instructor_id = :instructor ORDER BY c.title ASC, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.title ASC, c.course_id ASC;
\echo ### count, instructor
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true AND c.instructor_id = :instructor;
\echo ### sort price desc
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true ORDER BY c.price DESC, c.course_id DESC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.price DESC, c.course_id DESC;
\echo ### sort published desc
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true ORDER BY c.is_published DESC NULLS LAST, c.course_id DESC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY c.is_published DESC NULLS LAST, c.course_id DESC;
\echo ### sort passing score asc
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true ORDER BY (c.quiz_metadata -> 'passing_score') ASC NULLS LAST, c.course_id ASC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY (c.quiz_metadata -> 'passing_score') ASC NULLS LAST, c.course_id ASC;
\echo ### sort passing score desc, deep (offset 5000)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true ORDER BY (c.quiz_metadata -> 'passing_score') DESC NULLS LAST, c.course_id DESC LIMIT 25 OFFSET 5000)
SELECT :cols FROM page p :tail ORDER BY (c.quiz_metadata -> 'passing_score') DESC NULLS LAST, c.course_id DESC;
\echo ### sort passing score desc, first page
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true ORDER BY (c.quiz_metadata -> 'passing_score') DESC NULLS LAST, c.course_id DESC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY (c.quiz_metadata -> 'passing_score') DESC NULLS LAST, c.course_id DESC;
\echo ### sort published desc, last page (offset 9975)
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c WHERE true ORDER BY c.is_published DESC NULLS LAST, c.course_id DESC LIMIT 25 OFFSET 9975)
SELECT :cols FROM page p :tail ORDER BY c.is_published DESC NULLS LAST, c.course_id DESC;
\echo ### count, search course (broad)
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM courses c WHERE true AND c.title ILIKE '%course%';
\echo ### sort enrollments desc, all courses
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c LEFT JOIN LATERAL (SELECT s.enrollments, s.gross_revenue FROM course_sales_totals s WHERE s.course_id = c.course_id OFFSET 0) t ON true WHERE true ORDER BY coalesce(t.enrollments, 0) DESC NULLS LAST, c.course_id DESC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY coalesce(t.enrollments, 0) DESC NULLS LAST, c.course_id DESC;
\echo ### sort revenue desc, one instructor
EXPLAIN (ANALYZE, BUFFERS) WITH page AS (SELECT c.course_id FROM courses c LEFT JOIN LATERAL (SELECT s.enrollments, s.gross_revenue FROM course_sales_totals s WHERE s.course_id = c.course_id OFFSET 0) t ON true WHERE true AND c.instructor_id = :instructor ORDER BY coalesce(t.gross_revenue, 0) DESC NULLS LAST, c.course_id DESC LIMIT 25 OFFSET 0)
SELECT :cols FROM page p :tail ORDER BY coalesce(t.gross_revenue, 0) DESC NULLS LAST, c.course_id DESC;
\echo ### instructor autocomplete raheem
EXPLAIN (ANALYZE, BUFFERS) SELECT user_id, email FROM users WHERE role = 'Instructor' AND email ILIKE '%raheem%' ORDER BY email LIMIT 20;
\echo ### price history of a course (newest first)
EXPLAIN (ANALYZE, BUFFERS) SELECT p.log_id, p.changed_at, p.old_price, p.new_price, u.email AS changed_by, p.source, p.reason
FROM price_changes p LEFT JOIN users u ON u.user_id = p.changed_by
WHERE p.course_id = 4242 AND EXISTS (SELECT 1 FROM courses c WHERE c.course_id = 4242 AND (true OR c.instructor_id = :instructor))
ORDER BY p.changed_at DESC, p.log_id DESC LIMIT 200;
\echo ### conflict: latest change of a course
EXPLAIN (ANALYZE, BUFFERS) SELECT p.log_id, p.changed_at, p.old_price, p.new_price, u.email AS changed_by, p.source, p.reason
FROM price_changes p LEFT JOIN users u ON u.user_id = p.changed_by WHERE p.course_id = 4242 ORDER BY p.changed_at DESC, p.log_id DESC LIMIT 1;
\echo ### enrollment form course search (0011 dropped the COLLATE "C" trigram index it used)
EXPLAIN (ANALYZE, BUFFERS) SELECT course_id, title, price FROM courses WHERE (is_published OR NOT true) AND title ILIKE '%kubernetes%' ORDER BY title, course_id LIMIT 20;
\echo ### price changes by one staff member (users page; 0011 dropped price_changes_changed_by)
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM price_changes p WHERE p.changed_by = :instructor;
\echo ### price update with audit trigger (runtime role, actor transaction, rolled back)
BEGIN;
SELECT set_config('app.user_id', :instructor, true), set_config('app.role', 'Instructor', true), set_config('app.change_reason', 'bench', true);
SET LOCAL ROLE techcourse_app;
SELECT course_id AS id, price AS p FROM courses WHERE instructor_id = :instructor ORDER BY course_id LIMIT 1 \gset
EXPLAIN (ANALYZE, BUFFERS) UPDATE courses SET price = :p + 1 WHERE course_id = :id AND price = :p;
ROLLBACK;
