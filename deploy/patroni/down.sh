#!/usr/bin/env bash
# Stops the Patroni nodes and etcd that up.sh started (same TC_PATRONI_DIR); with --purge also deletes their data.
set -euo pipefail
state="${TC_PATRONI_DIR:-/tmp/techcourse-patroni}"
stop() {
    local file="$state/$1.pid" pid
    [ -s "$file" ] || return 0
    pid="$(cat "$file")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$file"
    echo "$1 (pid $pid) stopped"
}
# Patroni stops its PostgreSQL on SIGTERM; etcd last, so the nodes can release their keys.
for node in pg3 pg2 pg1; do stop "$node"; done
stop etcd
if [ "${1:-}" = --purge ]; then rm -rf "$state"; echo "removed $state"; fi
