#!/bin/bash
# Server CPU per write: one backend, N price changes then N enrollments as the runtime role, each in its own
# transaction, the actor set the way each version of the app sets it; CPU time of that backend from /proc.
# usage: write-cpu.sh DATABASE before|after [N]   (before: the app.user_id of main at 4f87d85; after: a session, sql/0019)
# Connects with the PG* environment variables (an owner or superuser: it reads /proc of its own backend, so run it
# on the database server). Needs the bench's staff account: run the bench once with --connection on that database.
# Prints the backend's CPU (clock ticks, 1/100 s) after each phase and the CPU per write.
: "${PGHOST:?set PGHOST, PGPORT, PGUSER, PGPASSWORD}"
db=$1; side=$2; n=${3:-5000}
admin=$(psql -d $db -Atc "SELECT user_id FROM users WHERE email = 'bench-admin@techcourse.invalid'")
psql -q -d $db -c "INSERT INTO users (email, role) SELECT 'cpu-student-' || k || '@bench.invalid', 'Student' FROM generate_series(1, 100) k ON CONFLICT DO NOTHING" >/dev/null
psql -q -d $db -c "DELETE FROM enrollments WHERE student_id IN (SELECT user_id FROM users WHERE email LIKE 'cpu-student-%')" >/dev/null
token=""
if [ $side = after ]; then token="cpu-bench-token-$(date +%s%N)-0123456789abcdef"; psql -q -d $db -c "SELECT open_session_as_owner('$admin', '$token', '2 hours')" >/dev/null; fi
if [ $side = before ]; then actor="PERFORM set_config('app.user_id', '$admin', true), set_config('app.role', 'Admin', true), set_config('app.change_reason', 'cpu', true);"
else actor="PERFORM set_config('app.session', '$token', true), set_config('app.change_reason', 'cpu', true);"; fi
out=$(psql -q -d $db <<SQL
SELECT pg_backend_pid() AS pid \gset
\setenv PID :pid
SET ROLE techcourse_app;
\! awk '{print "cpu_start", \$14+\$15}' /proc/\$PID/stat
DO \$\$
DECLARE c INT;
BEGIN
  FOR i IN 1..$n LOOP
    c := 1 + (i * 7919) % 10000;
    $actor
    UPDATE courses SET price = 10 + (i % 9000) / 100.0 WHERE course_id = c AND price IS NOT NULL;
    COMMIT;
  END LOOP;
END \$\$;
\! awk '{print "cpu_prices", \$14+\$15}' /proc/\$PID/stat
RESET ROLE;
CREATE TEMP TABLE pairs AS SELECT u.user_id AS student, c.course_id AS course, row_number() OVER () AS k
  FROM (SELECT user_id FROM users WHERE email LIKE 'cpu-student-%' ORDER BY email LIMIT 100) u,
       (SELECT course_id FROM courses WHERE is_published ORDER BY course_id LIMIT 50) c;
GRANT SELECT ON pairs TO techcourse_app;
SET ROLE techcourse_app;
\! awk '{print "cpu_enroll_start", \$14+\$15}' /proc/\$PID/stat
DO \$\$
DECLARE r RECORD; p NUMERIC; i INT := 0;
BEGIN
  FOR r IN SELECT * FROM pairs ORDER BY k LIMIT $n LOOP
    SELECT price INTO p FROM courses WHERE course_id = r.course;
    $actor
    PERFORM * FROM enroll_student(gen_random_uuid(), r.student, r.course, p, NULL, NULL);
    COMMIT;
  END LOOP;
END \$\$;
\! awk '{print "cpu_enroll", \$14+\$15}' /proc/\$PID/stat
SQL
)
echo "$out" | grep cpu_ | tr '\n' ' '; echo
echo "$out" | awk -v n=$n '/^cpu_/ {t[$1]=$2} END {printf "price change: %.0f us CPU per write; enrollment: %.0f us\n", (t["cpu_prices"]-t["cpu_start"])*10000/n, (t["cpu_enroll"]-t["cpu_enroll_start"])*10000/(n < 5000 ? n : 5000)}'
psql -q -d $db -c "DELETE FROM enrollments WHERE student_id IN (SELECT user_id FROM users WHERE email LIKE 'cpu-student-%')" >/dev/null
