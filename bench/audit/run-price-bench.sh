#!/usr/bin/env bash
# Price UPDATE throughput at 8 clients, with the app's once-a-second sealer running beside it and a listener attached:
# today's trigger (the sealer announces batches; sql/definitions/10_audit_course_price.sql), the trigger body as 0003 left
# it (no NOTIFY; read from sql/0003), and today's with techcourse.audit_notify_each=on (a NOTIFY per entry from the
# trigger). Usage: PGPASSWORD=… bench/audit/run-price-bench.sh [database] [seconds]
set -euo pipefail
cd "$(dirname "$0")"
DB=${1:-techcourse_i7}; SECONDS_PER_RUN=${2:-30}
PSQL=(psql -h 127.0.0.1 -p 55432 -U postgres -d "$DB" -v ON_ERROR_STOP=1 -qAt)
PGBENCH=(/usr/lib/postgresql/15/bin/pgbench -h 127.0.0.1 -p 55432 -U postgres -n -c 8 -j 2 -T "$SECONDS_PER_RUN" -f price-update.sql "$DB")

TODAY=../../sql/definitions/10_audit_course_price.sql
before_0007() { sed -n '/^CREATE OR REPLACE FUNCTION audit_course_price/,/^\$\$ LANGUAGE/p' ../../sql/0003_price_change_attribution.sql; }

sealer() { while true; do "${PSQL[@]}" -c "SELECT sealed FROM seal_price_changes(50000)" >/dev/null; sleep 1; done; }

run() {
    local label=$1; shift
    "${PSQL[@]}" -c "CHECKPOINT" >/dev/null 2>&1 || true
    local tps
    tps=$(env "$@" "${PGBENCH[@]}" 2>&1 | awk '/^tps/ {print $3; exit}')
    echo "$label: $tps tps"
}

trap '"${PSQL[@]}" -f "$TODAY" >/dev/null; kill $SEALER $LISTENER 2>/dev/null || true' EXIT
sealer & SEALER=$!
( echo "LISTEN price_changes;"; sleep $((SECONDS_PER_RUN * 6 + 60)) ) | "${PSQL[@]}" >/dev/null & LISTENER=$!
"${PSQL[@]}" -f "$TODAY" >/dev/null
for round in 1 2; do
    run "round $round: today's trigger (sealer NOTIFY per batch)" PGOPTIONS=
    before_0007 | "${PSQL[@]}" >/dev/null
    run "round $round: 0003 trigger body" PGOPTIONS=
    "${PSQL[@]}" -f "$TODAY" >/dev/null
    run "round $round: today's trigger + audit_notify_each=on (NOTIFY per entry)" PGOPTIONS="-c techcourse.audit_notify_each=on"
done
echo "unsealed after the runs: $("${PSQL[@]}" -c "SELECT unsealed FROM seal_price_changes(NULL)")"
