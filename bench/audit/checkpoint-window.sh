#!/bin/bash
# The audit chain's window, sampled while the app runs and something writes (e.g. the loadtest verb):
#   PGHOST=… PGPORT=… PGUSER=… PGDATABASE=… bench/audit/checkpoint-window.sh SECONDS CHECKPOINT_FILE OUT
#   python3 bench/audit/checkpoint-window-stats.py OUT CHECKPOINT_FILE
# Every 0.25 s one line: time, unsealed entries, age of the oldest unsealed entry (s), max(seal_seq), the newest checkpoint's seq.
set -euo pipefail
end=$(( $(date +%s) + $1 ))
while [ "$(date +%s)" -lt "$end" ]; do
  row=$(psql -X -Atc "SELECT extract(epoch FROM clock_timestamp()), (SELECT count(*) FROM price_changes WHERE seal_seq IS NULL),
      coalesce(extract(epoch FROM clock_timestamp() - (SELECT min(changed_at) FROM price_changes WHERE seal_seq IS NULL)), 0),
      (SELECT max(seal_seq) FROM price_changes)" 2>/dev/null || true)
  checkpoint=$(tail -c 4000 "$2" 2>/dev/null | tail -1 | grep -o '"seq":[0-9]*' | cut -d: -f2 || true)
  echo "$row|${checkpoint:-0}" >> "$3"
  sleep 0.25
done
