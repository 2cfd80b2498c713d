#!/usr/bin/env bash
# Single-row enrollment insert throughput (pgbench, 8 clients) with and without the rollup triggers, alternated
# A/B rounds so the noise of a shared machine hits both; then a mixed concurrent workload with a cascading user
# delete, and `verify` must report zero differences. Leaves the data as it found it (inserted rows are deleted).
# Usage: PGHOST=… PGPORT=… PGUSER=… PGPASSWORD=… PGDATABASE=… bench/sales/load-test.sh [seconds-per-round] [rounds]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pgbench=${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}
seconds=${1:-20}
rounds=${2:-3}
clients=8

psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
DROP TABLE IF EXISTS bench_students;
CREATE TABLE bench_students AS SELECT row_number() OVER (ORDER BY user_id)::int AS n, user_id FROM users WHERE role = 'Student' LIMIT 200000;
ALTER TABLE bench_students ADD PRIMARY KEY (n);
CREATE INDEX ON bench_students (user_id);
ANALYZE bench_students;
SQL
mark=$(psql -X -At -c "SELECT coalesce(max(enrollment_id), 0) FROM enrollments")

run() { # label
  "$pgbench" -n -c $clients -j 2 -T "$seconds" -f "$here/insert-enrollment.sql" 2>&1 | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
without=(); with=()
for r in $(seq "$rounds"); do
  psql -X -q -c "ALTER TABLE enrollments DISABLE TRIGGER sales_rollup_insert_delete"
  without+=("$(run without)")
  # rows inserted without the trigger never reached the rollups: remove them the same way
  psql -X -q -c "DELETE FROM enrollments WHERE enrollment_id > $mark"
  psql -X -q -c "ALTER TABLE enrollments ENABLE TRIGGER sales_rollup_insert_delete"
  with+=("$(run with)")
  psql -X -q -c "DELETE FROM enrollments WHERE enrollment_id > $mark"
  echo "round $r: without triggers ${without[-1]} tps, with triggers ${with[-1]} tps"
done
sum_without=$(printf '%s\n' "${without[@]}" | paste -sd+ | bc -l)
sum_with=$(printf '%s\n' "${with[@]}" | paste -sd+ | bc -l)
printf 'single-row inserts, %d clients, %d x %d s: without %.0f tps, with %.0f tps -> %.1f%% kept\n' \
  $clients "$rounds" "$seconds" "$(echo "$sum_without / $rounds" | bc -l)" "$(echo "$sum_with / $rounds" | bc -l)" "$(echo "100 * $sum_with / $sum_without" | bc -l)"

# Mixed workload with triggers on, a user delete cascading in the middle of it, then verify.
psql -X -q -c "INSERT INTO users (email, role) VALUES ('bench-departing@example.com', 'Student')" \
  -c "INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at) SELECT u.user_id, c, 9.99, now() - c * interval '1 hour' FROM users u, generate_series(1, 50) c WHERE u.email = 'bench-departing@example.com'"
"$pgbench" -n -c $clients -j 2 -T "$seconds" -D mark="$mark" --max-tries=10 -f "$here/mixed-workload.sql" > /tmp/sales-mixed.log 2>&1 &
sleep $((seconds / 2))
psql -X -q -c "DELETE FROM users WHERE email = 'bench-departing@example.com'"
wait
echo "mixed workload: $(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' /tmp/sales-mixed.log) tps, $(grep -c 'ERROR' /tmp/sales-mixed.log || true) errors"
echo "differences after the mixed workload: $(psql -X -At -c 'SELECT count(*) FROM sales_rollups_differences()')"
psql -X -q -c "DELETE FROM enrollments WHERE enrollment_id > $mark" -c "DROP TABLE bench_students"
echo "differences after clean-up: $(psql -X -At -c 'SELECT count(*) FROM sales_rollups_differences()')"
