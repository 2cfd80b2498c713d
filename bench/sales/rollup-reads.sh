#!/usr/bin/env bash
# Min and median of N runs of each rollup-backed read (psql \timing). Usage: PG*=… bench/sales/rollup-reads.sh [runs]
n=${1:-15}
q() { 
  t=$(for i in $(seq $n); do psql -X -q -At -c '\timing on' -c "$2" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'; done | sort -n)
  printf '%-45s min %8.2f ms  median %8.2f ms  (n=%d)\n' "$1" "$(echo "$t" | head -1)" "$(echo "$t" | sed -n "$(( (n+1)/2 ))p")" $n
}
q "daily_sales_report" "SELECT * FROM daily_sales_report"
q "course_sales_totals" "SELECT * FROM course_sales_totals"
q "dashboard totals" "SELECT * FROM sales_grand_total"
q "per course 30d Asia/Kolkata" "SELECT * FROM sales_courses_in_range('2026-10-30 00:00+05:30', '2026-11-29 00:00+05:30')"
q "by day 2y+prev 2y Asia/Kathmandu" "SELECT * FROM sales_by_local_day('Asia/Kathmandu', '2022-11-25', '2026-11-24')"
q "by day 2y+prev 2y Europe/Berlin" "SELECT * FROM sales_by_local_day('Europe/Berlin', '2022-11-25', '2026-11-24')"
q "by day 30d+prev 30d America/St_Johns" "SELECT * FROM sales_by_local_day('America/St_Johns', '2026-09-26', '2026-11-24')"
