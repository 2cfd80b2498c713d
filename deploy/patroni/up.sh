#!/usr/bin/env bash
# A three-node Patroni cluster with one etcd, from Debian's packages, all on 127.0.0.1, run as the postgres user:
#   etcd     client 127.0.0.1:${TC_ETCD_PORT:-2390}, peer :$((TC_ETCD_PORT+1))
#   nodes    PostgreSQL 127.0.0.1:5630, :5631, :5632; Patroni REST 127.0.0.1:8630, :8631, :8632
# with synchronous replication (synchronous_mode), then a database `techcourse` migrated by the app's `migrate` verb and
# a runtime login. Prints the multi-host connection strings the app uses (also in STATE/connections.env).
#   TC_PATRONI_DIR   state folder (data, logs, PIDs, passwords)   default /tmp/techcourse-patroni
# Needs: apt-get install -y patroni etcd-server postgresql; and a built app (this script builds it).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
state="${TC_PATRONI_DIR:-/tmp/techcourse-patroni}"
etcd_port="${TC_ETCD_PORT:-2390}"
pg_ports=(5630 5631 5632)
rest_ports=(8630 8631 8632)
bin_dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
for tool in etcd patroni; do command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install -y patroni etcd-server)" >&2; exit 1; }; done

install -d -o postgres -g postgres -m 700 "$state"
secret() { [ -s "$state/$1" ] || (head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$state/$1"; chown postgres: "$state/$1"; chmod 600 "$state/$1"); cat "$state/$1"; }
superuser="$(secret superuser-password)"
replication="$(secret replication-password)"
runtime="$(secret runtime-password)"

as_postgres() { (cd /tmp && runuser -u postgres -- "$@"); }
# start_as_postgres PIDFILE LOG COMMAND… : in the background; the PID file names the command itself (not runuser),
# so the failover test can kill it like a crash and down.sh can stop it.
start_as_postgres() {
    local pidfile="$1" log="$2"; shift 2
    (cd /tmp && exec runuser -u postgres -- sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" </dev/null >"$log" 2>&1 &)
    for _ in $(seq 1 50); do [ -s "$pidfile" ] && break; sleep 0.1; done
}

if ! { [ -s "$state/etcd.pid" ] && kill -0 "$(cat "$state/etcd.pid")" 2>/dev/null; }; then
    start_as_postgres "$state/etcd.pid" "$state/etcd.log" etcd --name tc-etcd --data-dir "$state/etcd" \
        --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
        --listen-peer-urls "http://127.0.0.1:$((etcd_port + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
        --initial-cluster "tc-etcd=http://127.0.0.1:$((etcd_port + 1))"
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null && break; sleep 0.1; done
    echo "etcd on 127.0.0.1:$etcd_port (pid $(cat "$state/etcd.pid"))"
fi

for i in 0 1 2; do
    name="pg$((i + 1))"
    [ -s "$state/$name.pid" ] && kill -0 "$(cat "$state/$name.pid")" 2>/dev/null && continue
    install -d -o postgres -g postgres -m 700 "$state/$name-log"
    sed -e "s|@NAME@|$name|g" -e "s|@STATE@|$state|g" -e "s|@BIN_DIR@|$bin_dir|g" -e "s|@ETCD_PORT@|$etcd_port|g" \
        -e "s|@PG_PORT@|${pg_ports[$i]}|g" -e "s|@REST_PORT@|${rest_ports[$i]}|g" \
        -e "s|@SUPERUSER_PASSWORD@|$superuser|g" -e "s|@REPLICATION_PASSWORD@|$replication|g" \
        "$(dirname "$0")/node.yml.template" > "$state/$name.yml"
    chown postgres: "$state/$name.yml"; chmod 600 "$state/$name.yml"
    start_as_postgres "$state/$name.pid" "$state/$name.out" patroni "$state/$name.yml"
    echo "patroni $name: PostgreSQL 127.0.0.1:${pg_ports[$i]}, REST 127.0.0.1:${rest_ports[$i]} (pid $(cat "$state/$name.pid"))"
    # The first node bootstraps the cluster; the others clone it once it leads.
    if [ "$i" = 0 ]; then
        for _ in $(seq 1 120); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${rest_ports[0]}/primary")" = 200 ] && break; sleep 0.5; done
    fi
done

echo "waiting for a leader, a synchronous standby and a streaming replica…"
for _ in $(seq 1 240); do
    members="$(curl -s "http://127.0.0.1:${rest_ports[0]}/cluster" || true)"
    if python3 -c 'import json,sys; m=json.loads(sys.argv[1])["members"]; roles=sorted(x["role"] for x in m); ok=[x for x in m if x["state"] in ("running","streaming")]; sys.exit(0 if len(ok)==3 and "leader" in roles and "sync_standby" in roles else 1)' "$members" 2>/dev/null; then break; fi
    sleep 0.5
done
patronictl -c "$state/pg1.yml" list

hosts="127.0.0.1:${pg_ports[0]},127.0.0.1:${pg_ports[1]},127.0.0.1:${pg_ports[2]}"
# Host Recheck Seconds: how long Npgsql trusts what it last saw of a host (default 10 s) — a standby just promoted
# is found at once.
common="Host=$hosts;Target Session Attributes=read-write;Host Recheck Seconds=1;Database=techcourse"
owner="$common;Username=postgres;Password=$superuser"
leader_psql() { PGPASSWORD="$superuser" psql "host=127.0.0.1,127.0.0.1,127.0.0.1 port=${pg_ports[0]},${pg_ports[1]},${pg_ports[2]} target_session_attrs=read-write user=postgres dbname=$1" -v ON_ERROR_STOP=1 -qtAc "$2"; }
[ "$(leader_psql postgres "SELECT count(*) FROM pg_database WHERE datname = 'techcourse'")" = 1 ] || leader_psql postgres "CREATE DATABASE techcourse"
build_app
ConnectionStrings__TechCourseMigrations="$owner" ConnectionStrings__TechCourse="$owner" run_verb migrate >/dev/null
leader_psql techcourse "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'techcourse_web') THEN CREATE ROLE techcourse_web LOGIN PASSWORD '$runtime' IN ROLE techcourse_app; END IF; END \$\$;"
cat > "$state/connections.env" <<ENV
export ConnectionStrings__TechCourseMigrations='$owner'
export ConnectionStrings__TechCourse='$common;Username=techcourse_web;Password=$runtime'
ENV
echo "database techcourse migrated; the app's settings: source $state/connections.env"
