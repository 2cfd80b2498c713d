#!/usr/bin/env bash
# Stops the PgBouncer that up.sh started (same TC_PGBOUNCER_MODE / TC_PGBOUNCER_DIR).
set -euo pipefail
mode="${TC_PGBOUNCER_MODE:-transaction}"
state="${TC_PGBOUNCER_DIR:-/tmp/techcourse-pgbouncer-$mode}"
[ -s "$state/pgbouncer.pid" ] || { echo "no pgbouncer running from $state"; exit 0; }
pid="$(cat "$state/pgbouncer.pid")"
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
echo "pgbouncer $pid stopped"
