#!/bin/sh
# Runs courses-explain.sql RUNS times (default 7) against database $1 and prints, per query, the median
# execution time of the warm runs (the first run is discarded) and the plan of the last run to $2 (default plans.txt).
set -eu
db=$1; out=${2:-courses-plans.txt}; runs=${RUNS:-7}
dir=$(dirname "$0")
for i in $(seq "$runs"); do psql -X -q -d "$db" -f "$dir/courses-explain.sql" > "/tmp/courses-explain.$i.txt"; done
cp "/tmp/courses-explain.$runs.txt" "$out"
python3 - "$runs" <<'PY'
import re, statistics, sys
runs = int(sys.argv[1]); times = {}
for i in range(2, runs + 1):
    label = None
    for line in open(f"/tmp/courses-explain.{i}.txt"):
        if line.startswith("### "): label = line[4:].strip()
        m = re.search(r"Execution Time: ([\d.]+) ms", line)
        if m and label: times.setdefault(label, []).append(float(m.group(1)))
for label, t in times.items():
    print(f"{statistics.median(t):8.2f} ms  (min {min(t):.2f}, max {max(t):.2f}, n={len(t)})  {label}")
PY
