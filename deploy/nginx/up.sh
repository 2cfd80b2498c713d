#!/usr/bin/env bash
# Starts Debian's nginx as a TLS proxy on 127.0.0.1 in front of the app instances, with a self-signed certificate.
#   TC_NGINX_DIR        state folder (config, certificate, logs, pid)       default /tmp/techcourse-nginx
#   TC_NGINX_PORT       the https port                                      default 8443
#   TC_NGINX_UPSTREAMS  the instances, space-separated host:port            default "127.0.0.1:5230 127.0.0.1:5231"
#   TC_NGINX_NAMES      the site's host names (certificate and server_name) default "techcourse.localhost localhost 127.0.0.1"
# Stop it with down.sh (same TC_NGINX_DIR). Needs: apt-get install -y nginx openssl
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="${TC_NGINX_DIR:-/tmp/techcourse-nginx}"
port="${TC_NGINX_PORT:-8443}"
upstreams="${TC_NGINX_UPSTREAMS:-127.0.0.1:5230 127.0.0.1:5231}"
names="${TC_NGINX_NAMES:-techcourse.localhost localhost 127.0.0.1}"
nginx="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$nginx" ] || { echo "nginx is not installed (apt-get install -y nginx)" >&2; exit 1; }

mkdir -p "$state/tmp"
# The workers (www-data) reach their temp folders through it; the key files stay 0600.
chmod 711 "$state"
if [ ! -s "$state/tls.crt" ]; then
    san=""
    for name in $names; do
        if [[ "$name" =~ ^[0-9.]+$|: ]]; then san+="IP:$name,"; else san+="DNS:$name,"; fi
    done
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=${names%% *}" -addext "subjectAltName=${san%,}" \
        -keyout "$state/tls.key" -out "$state/tls.crt" 2>/dev/null
    chmod 600 "$state/tls.key"
fi

servers=""
for upstream in $upstreams; do servers+="        server $upstream max_fails=1 fail_timeout=5s;"$'\n'; done
awk -v state="$state" -v port="$port" -v names="$names" -v servers="$servers" '
    /@UPSTREAMS@/ { printf "%s", servers; next }
    { gsub(/@STATE@/, state); gsub(/@PORT@/, port); gsub(/@SERVER_NAMES@/, names); print }
' "$here/nginx.conf.template" > "$state/nginx.conf"
# Request bodies and buffered responses.
chown -R www-data: "$state/tmp" 2>/dev/null || true

"$nginx" -t -q -e "$state/error.log" -p "$state" -c "$state/nginx.conf"
"$nginx" -e "$state/error.log" -p "$state" -c "$state/nginx.conf"
echo "nginx listening on https://${names%% *}:$port/ (pid $(cat "$state/nginx.pid")) in front of: $upstreams"
