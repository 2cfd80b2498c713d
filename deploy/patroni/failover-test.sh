#!/usr/bin/env bash
# The failover test, on demand, against the cluster up.sh started: 50 writers through the app's `loadtest` verb, the
# leader killed (Patroni and its PostgreSQL, SIGKILL: a crashed host) mid-run, then the loadtest's own check that every
# write the writers saw committed is there (and nothing else), `rollups verify` and `audit verify`. The killed node is
# started again at the end and rejoins as a replica. Exit 1 when anything fails.
#   TC_PATRONI_DIR          state folder of up.sh                default /tmp/techcourse-patroni
#   TC_FAILOVER_WRITERS     writers                              default 50
#   TC_FAILOVER_SECONDS     how long they write                  default 60
#   TC_FAILOVER_KILL_AFTER  seconds into the run the leader dies default 20
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
state="${TC_PATRONI_DIR:-/tmp/techcourse-patroni}"
writers="${TC_FAILOVER_WRITERS:-50}"
seconds="${TC_FAILOVER_SECONDS:-60}"
kill_after="${TC_FAILOVER_KILL_AFTER:-20}"
rest_ports=(8630 8631 8632)
[ -s "$state/connections.env" ] || { echo "no cluster in $state: run deploy/patroni/up.sh first" >&2; exit 1; }
source "$state/connections.env"

leader() {
    for i in 0 1 2; do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${rest_ports[$i]}/primary")" = 200 ] && { echo "$i"; return 0; }
    done
    return 1
}
now() { date +%s.%N; }

build_app
echo "== $(date -u '+%Y-%m-%d %H:%M:%S') UTC, $(git -C "$repo" rev-parse --short HEAD), $(nproc) cores"
patronictl -c "$state/pg1.yml" list
run_verb loadtest --writers "$writers" --seconds "$seconds" >"$state/failover-loadtest.log" 2>&1 &
loadtest=$!
sleep "$kill_after"

old="$(leader)"
name="pg$((old + 1))"
postmaster="$(head -1 "$state/$name/postmaster.pid")"
patroni="$(cat "$state/$name.pid")"
killed_at="$(now)"
kill -KILL "$patroni" "$postmaster"
rm -f "$state/$name.pid"
echo "killed the leader $name (patroni $patroni, postmaster $postmaster) at $(date -u '+%H:%M:%S') UTC"
new=""
for _ in $(seq 1 600); do
    new="$(leader || true)"
    [ -n "$new" ] && [ "$new" != "$old" ] && break
    sleep 0.05
done
echo "new leader pg$((new + 1)) after $(echo "$(now) - $killed_at" | bc | xargs printf '%.1f') s"

status=0
wait "$loadtest" || status=$?
cat "$state/failover-loadtest.log"
echo "loadtest exit code $status"
run_verb rollups verify || status=1
run_verb audit verify || status=1

echo "restarting $name; it rejoins as a replica"
TC_PATRONI_DIR="$state" "$here/up.sh" >/dev/null
patronictl -c "$state/pg1.yml" list
[ "$status" = 0 ] && echo "FAILOVER TEST PASSED" || echo "FAILOVER TEST FAILED"
exit "$status"
