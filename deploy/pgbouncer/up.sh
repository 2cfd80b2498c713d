#!/usr/bin/env bash
# Debian's PgBouncer (1.18) on 127.0.0.1 in front of a PostgreSQL, run as the postgres user, for the bench's write
# entries (bench --write-via 127.0.0.1:PORT) and trials of the app.
#   TC_PGBOUNCER_DIR     state folder                                   default /tmp/techcourse-pgbouncer-$MODE
#   TC_PGBOUNCER_MODE    transaction | session                          default transaction
#   TC_PGBOUNCER_PORT    its port                                       default 6440 (transaction), 6441 (session)
#   TC_PGBOUNCER_SERVER  the server, host:port (e.g. the Patroni leader) default 127.0.0.1:5630
#   TC_PGBOUNCER_SUPERUSER_PASSWORD  the server's postgres password (to read the logins' SCRAM secrets)
# Stock settings but for the pool mode and sizes: the app sends no startup options (its statement timeout is a role
# setting), so PgBouncer 1.18 takes its connections as they come.
set -euo pipefail
mode="${TC_PGBOUNCER_MODE:-transaction}"
state="${TC_PGBOUNCER_DIR:-/tmp/techcourse-pgbouncer-$mode}"
port="${TC_PGBOUNCER_PORT:-$([ "$mode" = session ] && echo 6441 || echo 6440)}"
server="${TC_PGBOUNCER_SERVER:-127.0.0.1:5630}"
command -v pgbouncer >/dev/null || { echo "pgbouncer is not installed (apt-get install -y pgbouncer)" >&2; exit 1; }
install -d -o postgres -g postgres -m 700 "$state"
# Only the postgres superuser is in the auth file, with its password (PgBouncer logs in as it, auth_user, with nobody's
# SCRAM proof to pass on): it looks up any other login's SCRAM secret on the server (its default auth_query on
# pg_shadow), so logins created later (the bench and the tests create their own runtime login with a fresh password)
# are accepted without rebuilding anything. The file is the postgres user's, mode 600.
superuser_password="${TC_PGBOUNCER_SUPERUSER_PASSWORD:?set TC_PGBOUNCER_SUPERUSER_PASSWORD}"
PGPASSWORD="$superuser_password" psql -h "${server%:*}" -p "${server##*:}" -U postgres -d postgres -qtAc "SELECT 1" >/dev/null
printf '"postgres" "%s"\n' "$superuser_password" > "$state/userlist.txt"
cat > "$state/pgbouncer.ini" <<INI
[databases]
* = host=${server%:*} port=${server##*:}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir = $state
auth_type = scram-sha-256
auth_file = $state/userlist.txt
auth_user = postgres
pool_mode = $mode
max_client_conn = 400
default_pool_size = 40
logfile = $state/pgbouncer.log
pidfile = $state/pgbouncer.pid
INI
chown postgres: "$state/userlist.txt" "$state/pgbouncer.ini"; chmod 600 "$state/userlist.txt"
(cd /tmp && runuser -u postgres -- pgbouncer -d "$state/pgbouncer.ini")
for _ in $(seq 1 50); do [ -s "$state/pgbouncer.pid" ] && break; sleep 0.1; done
echo "pgbouncer ($mode pooling) on 127.0.0.1:$port -> $server (pid $(cat "$state/pgbouncer.pid"))"
