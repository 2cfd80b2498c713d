#!/usr/bin/env bash
# Debian's PgBouncer (1.18) on 127.0.0.1 in front of a PostgreSQL, run as the postgres user, for the bench's write
# entries (bench --write-via 127.0.0.1:PORT) and trials of the app.
#   TC_PGBOUNCER_DIR     state folder                                   default /tmp/techcourse-pgbouncer-$MODE
#   TC_PGBOUNCER_MODE    transaction | session                          default transaction
#   TC_PGBOUNCER_PORT    its port                                       default 6440 (transaction), 6441 (session)
#   TC_PGBOUNCER_SERVER  the server, host:port (e.g. the Patroni leader) default 127.0.0.1:5630
#   TC_PGBOUNCER_SUPERUSER_PASSWORD  the server's postgres password (to read the logins' SCRAM secrets)
# ignore_startup_parameters = options: Npgsql sends the app's statement timeout as the `options` startup parameter,
# which PgBouncer 1.18 otherwise refuses (08P01); through it the timeout is then not applied.
set -euo pipefail
mode="${TC_PGBOUNCER_MODE:-transaction}"
state="${TC_PGBOUNCER_DIR:-/tmp/techcourse-pgbouncer-$mode}"
port="${TC_PGBOUNCER_PORT:-$([ "$mode" = session ] && echo 6441 || echo 6440)}"
server="${TC_PGBOUNCER_SERVER:-127.0.0.1:5630}"
command -v pgbouncer >/dev/null || { echo "pgbouncer is not installed (apt-get install -y pgbouncer)" >&2; exit 1; }
install -d -o postgres -g postgres -m 700 "$state"
# The logins' SCRAM secrets: PgBouncer checks clients with them and, having seen the client's proof, logs in to the
# server. A login created later (the bench creates its own runtime login) needs this file rebuilt: run up.sh again
# after down.sh, or rewrite it the same way and send PgBouncer SIGHUP.
PGPASSWORD="${TC_PGBOUNCER_SUPERUSER_PASSWORD:?set TC_PGBOUNCER_SUPERUSER_PASSWORD}" psql -h "${server%:*}" -p "${server##*:}" -U postgres -d postgres -qtAc \
    "SELECT format('\"%s\" \"%s\"', rolname, rolpassword) FROM pg_authid WHERE rolcanlogin AND rolpassword LIKE 'SCRAM-SHA-256%'" > "$state/userlist.txt"
cat > "$state/pgbouncer.ini" <<INI
[databases]
* = host=${server%:*} port=${server##*:}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir = $state
auth_type = scram-sha-256
auth_file = $state/userlist.txt
pool_mode = $mode
max_client_conn = 400
default_pool_size = 40
ignore_startup_parameters = options,extra_float_digits
logfile = $state/pgbouncer.log
pidfile = $state/pgbouncer.pid
INI
chown postgres: "$state/userlist.txt" "$state/pgbouncer.ini"; chmod 600 "$state/userlist.txt"
(cd /tmp && runuser -u postgres -- pgbouncer -d "$state/pgbouncer.ini")
for _ in $(seq 1 50); do [ -s "$state/pgbouncer.pid" ] && break; sleep 0.1; done
echo "pgbouncer ($mode pooling) on 127.0.0.1:$port -> $server (pid $(cat "$state/pgbouncer.pid"))"
