#!/usr/bin/env bash
# Two app instances (Production, 127.0.0.1:5230 and :5231) on one PostgreSQL, trusting the local nginx as their proxy.
#   instances.sh start   builds the app, creates the database if needed, starts both instances
#   instances.sh stop    stops both (SIGTERM), then the database if this script started it
#   instances.sh stop-one PORT   stops one instance (its users move to the other)
# The database: TC_DB_OWNER (schema owner's connection) and TC_DB_RUNTIME (a login in techcourse_app) if set, else a
# cluster of its own on 127.0.0.1:${TC_DB_PORT:-5639} in the state folder with demo data and an admin account
# (admin@techcourse.com, password in STATE/admin-password). Both instances share one key ring certificate.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
state="${TC_NGINX_DIR:-/tmp/techcourse-nginx}"
ports="${TC_APP_PORTS:-5230 5231}"
db_port="${TC_DB_PORT:-5639}"
mkdir -p "$state"

own_database() {
    local data="$state/postgres" bin
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    if [ ! -s "$data/PG_VERSION" ]; then
        install -d -o postgres -g postgres "$data"
        runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=trust -E UTF8 --locale=C.UTF-8 --no-instructions >/dev/null
    fi
    if ! runuser -u postgres -- "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        (cd /tmp && runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w start \
            -o "-c listen_addresses=127.0.0.1 -p $db_port -k /tmp" >/dev/null)
        touch "$state/own-database"
    fi
    export TC_DB_OWNER="Host=127.0.0.1;Port=$db_port;Database=techcourse;Username=postgres"
    runuser -u postgres -- psql -h 127.0.0.1 -p "$db_port" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'techcourse'" | grep -q 1 ||
        runuser -u postgres -- createdb -h 127.0.0.1 -p "$db_port" techcourse
    export ConnectionStrings__TechCourseMigrations="$TC_DB_OWNER" ConnectionStrings__TechCourse="$TC_DB_OWNER"
    run_verb migrate >/dev/null
    runuser -u postgres -- psql -h 127.0.0.1 -p "$db_port" -d techcourse -v ON_ERROR_STOP=1 -qc \
        "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'techcourse_web') THEN CREATE ROLE techcourse_web LOGIN PASSWORD 'techcourse-web-demo' IN ROLE techcourse_app; END IF; END \$\$;"
    export TC_DB_RUNTIME="Host=127.0.0.1;Port=$db_port;Database=techcourse;Username=techcourse_web;Password=techcourse-web-demo"
    if [ "$(runuser -u postgres -- psql -h 127.0.0.1 -p "$db_port" -d techcourse -tAc 'SELECT count(*) FROM courses')" = 0 ]; then
        run_verb seed >/dev/null
        head -c 18 /dev/urandom | base64 > "$state/admin-password"
        run_verb user add --email admin@techcourse.com --role Admin < "$state/admin-password" >/dev/null
        echo "admin@techcourse.com / $(cat "$state/admin-password")"
    fi
}

case "${1:-}" in
start)
    build_app
    [ -n "${TC_DB_OWNER:-}" ] && [ -n "${TC_DB_RUNTIME:-}" ] || own_database
    [ -s "$state/keyring.pfx" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=TechCourse key ring" \
        -keyout "$state/keyring.key" -out "$state/keyring.crt" 2>/dev/null &&
        openssl pkcs12 -export -in "$state/keyring.crt" -inkey "$state/keyring.key" -passout pass: -out "$state/keyring.pfx" && chmod 600 "$state/keyring.pfx" "$state/keyring.key"
    for port in $ports; do
        start_instance "$state" "$port" ASPNETCORE_ENVIRONMENT=Production \
            ConnectionStrings__TechCourse="$TC_DB_RUNTIME" ConnectionStrings__TechCourseMigrations="$TC_DB_OWNER" \
            DataProtection__CertificatePath="$state/keyring.pfx" ReverseProxy__KnownProxies=127.0.0.1 \
            AllowedHosts="techcourse.localhost;localhost;127.0.0.1"
    done
    ;;
stop-one)
    stop_instance "$state" "$2"
    ;;
stop)
    for port in $ports; do stop_instance "$state" "$port"; done
    if [ -e "$state/own-database" ]; then
        (cd /tmp && runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D "$state/postgres" -m fast -w stop >/dev/null)
        rm -f "$state/own-database"
        echo "database on $db_port stopped"
    fi
    ;;
*)
    echo "usage: $0 start | stop | stop-one PORT" >&2; exit 2
    ;;
esac
