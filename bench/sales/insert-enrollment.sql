-- One single-row enrollment insert (pgbench script); bench_students is created by load-test.sh.
\set n random(1, 200000)
\set c random(1, 10000)
INSERT INTO enrollments (student_id, course_id, amount_paid)
SELECT s.user_id, :c, 19.99 FROM bench_students s WHERE s.n = :n
ON CONFLICT DO NOTHING;
