#!/usr/bin/env bash
# Warm medians of the sales queries on the rollups against the plain queries over enrollments, in one run.
# Usage: PGHOST=… PGPORT=… PGUSER=… PGPASSWORD=… PGDATABASE=… bench/sales/queries.sh [runs]
set -euo pipefail
runs=${1:-7}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_sql() { # name, sql
  local times
  times=$(for _ in $(seq "$runs"); do
    psql -X -q -At -c '\timing on' -c "$2" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
  done)
  printf '%s\n' "$times" | median
}
today=$(psql -X -At -c "SELECT (max(enrolled_at) AT TIME ZONE 'UTC')::date FROM enrollments")
from2y=$(psql -X -At -c "SELECT date '$today' - 729")
from30=$(psql -X -At -c "SELECT date '$today' - 29")
prev2y=$(psql -X -At -c "SELECT date '$from2y' - 730")
prev30=$(psql -X -At -c "SELECT date '$from30' - 30")

compare() { # label, fast sql, plain sql
  local fast plain
  fast=$(time_sql "$1" "$2"); plain=$(time_sql "$1 (plain)" "$3")
  printf '%-52s rollup %9.2f ms   plain %10.2f ms   ratio %8.1fx\n' "$1" "$fast" "$plain" "$(echo "$plain / $fast" | bc -l)"
}

compare "daily_sales_report (all rows)" "SELECT * FROM daily_sales_report" \
  "SELECT c.title AS course_name, COUNT(e.enrollment_id) AS total_enrollments, SUM(e.amount_paid) AS gross_revenue FROM courses c JOIN enrollments e ON c.course_id = e.course_id GROUP BY c.title"
for zone in ${ZONES:-UTC Asia/Kathmandu America/St_Johns Europe/Berlin}; do
  compare "by day, 2 years + previous 2 years, $zone" "SELECT * FROM sales_by_local_day('$zone', '$prev2y', '$today')" \
    "SELECT g::date, count(e.enrollment_id), coalesce(sum(e.amount_paid), 0) FROM generate_series('$prev2y'::timestamp, '$today'::timestamp, interval '1 day') g LEFT JOIN enrollments e ON (e.enrolled_at AT TIME ZONE '$zone')::date = g::date GROUP BY g ORDER BY g"
done
compare "by day, 30 days + previous 30, Asia/Kolkata" "SELECT * FROM sales_by_local_day('Asia/Kolkata', '$prev30', '$today')" \
  "SELECT (e.enrolled_at AT TIME ZONE 'Asia/Kolkata')::date, count(*), sum(e.amount_paid) FROM enrollments e WHERE e.enrolled_at >= ('$prev30'::timestamp AT TIME ZONE 'Asia/Kolkata') AND e.enrolled_at < (('$today'::timestamp + interval '1 day') AT TIME ZONE 'Asia/Kolkata') GROUP BY 1 ORDER BY 1"
compare "per course, 30 days, Asia/Kolkata" \
  "SELECT * FROM sales_courses_in_range('$from30'::timestamp AT TIME ZONE 'Asia/Kolkata', ('$today'::timestamp + interval '1 day') AT TIME ZONE 'Asia/Kolkata')" \
  "SELECT e.course_id, count(*), sum(e.amount_paid) FROM enrollments e WHERE e.enrolled_at >= ('$from30'::timestamp AT TIME ZONE 'Asia/Kolkata') AND e.enrolled_at < (('$today'::timestamp + interval '1 day') AT TIME ZONE 'Asia/Kolkata') GROUP BY e.course_id"
compare "per course, 30 days, UTC" \
  "SELECT * FROM sales_courses_in_range('$from30'::timestamp AT TIME ZONE 'UTC', ('$today'::timestamp + interval '1 day') AT TIME ZONE 'UTC')" \
  "SELECT e.course_id, count(*), sum(e.amount_paid) FROM enrollments e WHERE e.enrolled_at >= ('$from30'::timestamp AT TIME ZONE 'UTC') AND e.enrolled_at < (('$today'::timestamp + interval '1 day') AT TIME ZONE 'UTC') GROUP BY e.course_id"
compare "dashboard totals (enrollments, revenue)" \
  "SELECT * FROM sales_grand_total" \
  "SELECT count(*), coalesce(sum(amount_paid), 0) FROM enrollments"
compare "course_sales_totals (all courses)" "SELECT * FROM course_sales_totals" \
  "SELECT course_id, count(*), sum(amount_paid) FROM enrollments GROUP BY course_id"
echo "identical daily_sales_report rows: $(psql -X -At -c "SELECT count(*) = 0 FROM ((SELECT * FROM daily_sales_report EXCEPT ALL SELECT c.title, COUNT(e.enrollment_id), SUM(e.amount_paid) FROM courses c JOIN enrollments e ON c.course_id = e.course_id GROUP BY c.title) UNION ALL (SELECT c.title, COUNT(e.enrollment_id), SUM(e.amount_paid) FROM courses c JOIN enrollments e ON c.course_id = e.course_id GROUP BY c.title EXCEPT ALL SELECT * FROM daily_sales_report)) d")"
