#!/bin/sh
# Runs users-enrollments-explain.sql RUNS times (default 7) against database $1, each time in a new session that runs
# the file twice and keeps the second pass (warm backend caches, like the app's pooled connections), with
# EXPLAIN (ANALYZE, TIMING OFF) so per-node clock reads do not inflate the walks. Prints, per query, the median
# execution time (planning time for the estimate EXPLAINs); writes the plans of one more run, with timing, to $2.
set -eu
db=$1; out=${2:-users-enrollments-plans.txt}; runs=${RUNS:-7}
sql="$(dirname "$0")/users-enrollments-explain.sql"
for i in $(seq "$runs"); do
    (sed 's/^\\echo ### /\\echo #WARM# /' "$sql"; cat "$sql") | sed 's/EXPLAIN (ANALYZE, BUFFERS)/EXPLAIN (ANALYZE, BUFFERS, TIMING OFF)/' \
        | psql -X -q -d "$db" > "/tmp/users-enrollments-explain.$i.txt" 2>&1
done
(sed 's/^\\echo ### /\\echo #WARM# /' "$sql"; cat "$sql") | psql -X -q -d "$db" > "$out" 2>&1
python3 - "$runs" <<'PY'
import re, statistics, sys
runs = int(sys.argv[1]); times = {}
for i in range(1, runs + 1):
    label = None
    for line in open(f"/tmp/users-enrollments-explain.{i}.txt"):
        if line.startswith("#WARM# "): label = None
        elif line.startswith("### "): label = line[4:].strip()
        elif line.startswith("ERROR"): print(line.strip())
        m = re.search(r"(Execution|Planning) Time: ([\d.]+) ms", line)
        if m and label and (m.group(1) == "Execution" or "planning only" in label):
            times.setdefault(label, []).append(float(m.group(2)))
for label, t in times.items():
    print(f"{statistics.median(t):8.2f} ms  (min {min(t):.2f}, max {max(t):.2f}, n={len(t)})  {label}")
PY
