#!/usr/bin/env bash
# Stops the nginx that up.sh started (same TC_NGINX_DIR) and waits until it has exited.
set -euo pipefail
state="${TC_NGINX_DIR:-/tmp/techcourse-nginx}"
[ -s "$state/nginx.pid" ] || { echo "no nginx running from $state"; exit 0; }
pid="$(cat "$state/nginx.pid")"
nginx="$(command -v nginx || echo /usr/sbin/nginx)"
"$nginx" -e "$state/error.log" -p "$state" -c "$state/nginx.conf" -s quit || kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || { echo "nginx $pid stopped"; exit 0; }; sleep 0.1; done
kill -TERM "$pid" 2>/dev/null || true
echo "nginx $pid stopped"
