#!/usr/bin/env bash
# Single-row enrollment insert throughput (pgbench, 8 clients) without the rollup trigger, with it, and with it while
# the deltas are folded every second as the app does; alternated rounds so the noise of a shared machine hits all
# three. Then a mixed concurrent workload with a cascading user delete (and a fold every second), after which `verify`
# must report zero differences. Leaves the data as it found it (inserted rows are deleted).
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
SELECT sales_rollups_fold();
SQL
mark=$(psql -X -At -c "SELECT coalesce(max(enrollment_id), 0) FROM enrollments")

run() {
  "$pgbench" -n -c $clients -j 2 -T "$seconds" -f "$here/insert-enrollment.sql" 2>&1 | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
fold_every_second() { # on one connection until killed, like the app's background service
  exec "$pgbench" -n -c 1 -T 3600 -f "$here/fold.sql" > /dev/null 2>&1
}
without=(); with=(); folding=()
for r in $(seq "$rounds"); do
  psql -X -q -c "ALTER TABLE enrollments DISABLE TRIGGER sales_delta_insert"
  without+=("$(run)")
  # rows inserted without the trigger never reached the rollups: remove them without it too
  psql -X -q -c "ALTER TABLE enrollments DISABLE TRIGGER sales_delta_delete" -c "DELETE FROM enrollments WHERE enrollment_id > $mark" \
    -c "ALTER TABLE enrollments ENABLE TRIGGER sales_delta_delete" -c "ALTER TABLE enrollments ENABLE TRIGGER sales_delta_insert"
  with+=("$(run)")
  psql -X -q -c "DELETE FROM enrollments WHERE enrollment_id > $mark" -c "SELECT sales_rollups_fold()" > /dev/null
  fold_every_second & folder=$!
  folding+=("$(run)")
  kill $folder; wait $folder 2>/dev/null || true
  psql -X -q -c "DELETE FROM enrollments WHERE enrollment_id > $mark" -c "SELECT sales_rollups_fold()" > /dev/null
  echo "round $r: without the trigger ${without[-1]} tps, with it ${with[-1]} tps, with it and folding ${folding[-1]} tps"
done
mean() { printf '%s\n' "$@" | awk '{s+=$1} END {print s/NR}'; }
w=$(mean "${without[@]}"); t=$(mean "${with[@]}"); f=$(mean "${folding[@]}")
printf 'single-row inserts, %d clients, %d x %d s: without %.0f tps, with the trigger %.0f tps (%.1f%% kept), with it and a fold every second %.0f tps (%.1f%% kept)\n' \
  $clients "$rounds" "$seconds" "$w" "$t" "$(echo "100 * $t / $w" | bc -l)" "$f" "$(echo "100 * $f / $w" | bc -l)"

# Mixed workload with the triggers on and a fold every second, a user delete cascading in the middle of it, then verify.
psql -X -q -c "INSERT INTO users (email, role) VALUES ('bench-departing@example.com', 'Student')" \
  -c "INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at) SELECT u.user_id, c, 9.99, now() - c * interval '1 hour' FROM users u, generate_series(1, 50) c WHERE u.email = 'bench-departing@example.com'"
fold_every_second & folder=$!
"$pgbench" -n -c $clients -j 2 -T "$seconds" -D mark="$mark" --max-tries=10 -f "$here/mixed-workload.sql" > /tmp/sales-mixed.log 2>&1 & bench=$!
sleep $((seconds / 2))
psql -X -q -c "DELETE FROM users WHERE email = 'bench-departing@example.com'"
wait $bench
kill $folder; wait $folder 2>/dev/null || true
echo "mixed workload: $(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' /tmp/sales-mixed.log) tps, $(grep -c 'ERROR' /tmp/sales-mixed.log || true) errors, $(psql -X -At -c 'SELECT count(*) FROM sales_deltas') deltas not folded yet"
echo "differences after the mixed workload: $(psql -X -At -c 'SELECT count(*) FROM sales_rollups_differences()')"
psql -X -q -c "DELETE FROM enrollments WHERE enrollment_id > $mark" -c "DROP TABLE bench_students" -c "SELECT sales_rollups_fold()" > /dev/null
echo "differences after clean-up and a fold: $(psql -X -At -c 'SELECT count(*) FROM sales_rollups_differences()')"
