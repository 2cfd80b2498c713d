-- The timeline's queries at full scale (the shapes AuditQueries builds), for EXPLAIN (ANALYZE, BUFFERS).
-- psql -h 127.0.0.1 -p 55432 -U postgres -d techcourse_i7 -f bench/audit/timeline-plans.sql
\set cols 'pc.log_id, pc.course_id, coalesce(c.title, d.title), pc.old_price, pc.new_price, pc.changed_at, pc.changed_by, u.email, u.role, pc.source, pc.reason, pc.seal_seq, c.course_id IS NULL'
-- A deleted course's entries keep their title and owner (sql/0020): every shape joins deleted_courses beside courses.
\set joins 'LEFT JOIN courses c ON c.course_id = pc.course_id LEFT JOIN deleted_courses d ON c.course_id IS NULL AND d.course_id = pc.course_id LEFT JOIN users u ON u.user_id = pc.changed_by'
\set owners '(SELECT course_id, instructor_id FROM courses UNION ALL SELECT course_id, instructor_id FROM deleted_courses g WHERE NOT EXISTS (SELECT 1 FROM courses x WHERE x.course_id = g.course_id))'
SELECT instructor_id AS instructor FROM courses WHERE course_id = 4242 \gset
\echo '== 1. first page, admin, no filter'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM (SELECT * FROM price_changes pc WHERE true ORDER BY pc.changed_at DESC, pc.log_id DESC LIMIT 51) pc
:joins ORDER BY pc.changed_at DESC, pc.log_id DESC;
\echo '== 2. deep page (cursor 990,000 entries down), admin'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM (SELECT * FROM price_changes pc WHERE true AND (pc.changed_at, pc.log_id) < ('2025-02-15 22:47:56.686305+00', 576514) ORDER BY pc.changed_at DESC, pc.log_id DESC LIMIT 51) pc
:joins ORDER BY pc.changed_at DESC, pc.log_id DESC;
\echo '== 3. deep page, increases only and larger than 50 %'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM (SELECT * FROM price_changes pc WHERE true AND (pc.changed_at, pc.log_id) < ('2026-02-08 18:25:45.350744+00', 433666) AND pc.new_price > pc.old_price AND pc.old_price > 0 AND abs(pc.new_price - pc.old_price) * 100 > 50 * pc.old_price ORDER BY pc.changed_at DESC, pc.log_id DESC LIMIT 51) pc
:joins ORDER BY pc.changed_at DESC, pc.log_id DESC;
\echo '== 4. one course, deep-ish page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM (SELECT k.log_id FROM :owners s CROSS JOIN LATERAL (SELECT pc.changed_at, pc.log_id FROM price_changes pc WHERE pc.course_id = s.course_id AND (pc.changed_at, pc.log_id) < ('2026-02-08 18:25:45.350744+00', 433666) ORDER BY pc.changed_at DESC, pc.log_id DESC LIMIT 51) k
 WHERE s.course_id = 4242 ORDER BY k.changed_at DESC, k.log_id DESC LIMIT 51) top
JOIN price_changes pc ON pc.log_id = top.log_id :joins ORDER BY pc.changed_at DESC, pc.log_id DESC;
\echo '== 5. instructor viewing (their courses, deleted ones included), first page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM (SELECT k.log_id FROM :owners s CROSS JOIN LATERAL (SELECT pc.changed_at, pc.log_id FROM price_changes pc WHERE pc.course_id = s.course_id ORDER BY pc.changed_at DESC, pc.log_id DESC LIMIT 51) k
 WHERE s.instructor_id = :'instructor' ORDER BY k.changed_at DESC, k.log_id DESC LIMIT 51) top
JOIN price_changes pc ON pc.log_id = top.log_id :joins ORDER BY pc.changed_at DESC, pc.log_id DESC;
\echo '== 6. price at a point in time'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT c.price, b.new_price, b.changed_at, a.old_price, a.changed_at, f.changed_at, f.old_price, k.archived_through
FROM courses c
LEFT JOIN LATERAL (SELECT new_price, changed_at FROM price_changes WHERE course_id = c.course_id AND changed_at <= '2025-06-01 12:00+00' ORDER BY changed_at DESC, log_id DESC LIMIT 1) b ON true
LEFT JOIN LATERAL (SELECT old_price, changed_at FROM price_changes WHERE course_id = c.course_id AND changed_at > '2025-06-01 12:00+00' ORDER BY changed_at, log_id LIMIT 1) a ON true
LEFT JOIN LATERAL (SELECT old_price, changed_at FROM price_changes WHERE course_id = c.course_id ORDER BY changed_at, log_id LIMIT 1) f ON true
CROSS JOIN price_change_chain_anchor k WHERE c.course_id = 4242 AND (true OR c.instructor_id = :'instructor');
\echo '== 7. effect of a change: enrollments per 24 h, 14 days before/after'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT o, timestamptz '2025-06-01 12:00+00' + make_interval(days => CASE WHEN o < 0 THEN o ELSE o - 1 END), coalesce(n.enrollments, 0)
FROM generate_series(-14, 14) o
LEFT JOIN (SELECT CASE WHEN d < 0 THEN d ELSE d + 1 END AS bucket, count(*) AS enrollments
           FROM (SELECT floor(extract(epoch FROM e.enrolled_at - timestamptz '2025-06-01 12:00+00') / 86400)::int AS d FROM enrollments e
                 WHERE e.course_id = 4242 AND e.enrolled_at >= timestamptz '2025-06-01 12:00+00' - interval '14 days' AND e.enrolled_at < timestamptz '2025-06-01 12:00+00' + interval '14 days') x
           GROUP BY 1) n ON n.bucket = o
WHERE o <> 0 ORDER BY o;
\echo '== 8. live update: entries of a sealed batch, as the instructor'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM (SELECT * FROM price_changes pc WHERE true AND pc.seal_seq BETWEEN 900000 AND 900500 AND pc.course_id IN (SELECT s.course_id FROM :owners s WHERE s.instructor_id = :'instructor') ORDER BY pc.changed_at DESC, pc.log_id DESC LIMIT 200) pc
:joins ORDER BY pc.changed_at DESC, pc.log_id DESC;
\echo '== 9. "Changed by" suggestions, as the instructor (actors of their courses only)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT u.user_id, u.email, u.role FROM users u
WHERE u.user_id IN (SELECT pc.changed_by FROM :owners s CROSS JOIN LATERAL (SELECT p.changed_by FROM price_changes p WHERE p.course_id = s.course_id OFFSET 0) pc
                    WHERE s.instructor_id = :'instructor')
ORDER BY u.email LIMIT 20;
\echo '== 10. enrollments student filter, as the instructor (their students first, then their emails)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) WITH students AS MATERIALIZED (
    SELECT DISTINCT e.student_id FROM courses c JOIN enrollments e ON e.course_id = c.course_id WHERE c.instructor_id = :'instructor')
SELECT u.user_id, u.email FROM students s JOIN users u ON u.user_id = s.student_id
WHERE u.role = 'Student' AND u.anonymised_at IS NULL AND strpos(lower(u.email), 'an') > 0
ORDER BY lower(u.email) LIMIT 10;
