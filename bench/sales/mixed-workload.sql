-- Mixed writes on enrollments (pgbench script, -D mark=<max enrollment_id before the run>): an insert, an amount
-- correction, a move in time and to another course, a delete; updates and deletes touch only rows the run inserted.
\set n random(1, 200000)
\set m random(1, 200000)
\set c random(1, 10000)
\set cents random(100, 30000)
\set ago random(0, 34560000)
BEGIN;
INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at)
SELECT s.user_id, :c, :cents * 0.01, now() - :ago * interval '1 second' FROM bench_students s WHERE s.n = :n
ON CONFLICT DO NOTHING;
UPDATE enrollments SET amount_paid = amount_paid + 0.01 WHERE student_id = (SELECT user_id FROM bench_students WHERE n = :m) AND enrollment_id > :mark;
UPDATE enrollments SET enrolled_at = enrolled_at - interval '7 hours 45 minutes', course_id = 1 + (course_id % 10000)
WHERE student_id = (SELECT user_id FROM bench_students WHERE n = :n) AND course_id = :c AND enrollment_id > :mark
  AND NOT EXISTS (SELECT 1 FROM enrollments x WHERE x.student_id = enrollments.student_id AND x.course_id = 1 + (enrollments.course_id % 10000));
DELETE FROM enrollments WHERE enrollment_id = (SELECT max(enrollment_id) FROM enrollments WHERE student_id = (SELECT user_id FROM bench_students WHERE n = :m) AND enrollment_id > :mark);
COMMIT;
