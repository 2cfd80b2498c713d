# Shared by the deploy scripts: build the app once, run instances of it in the background (PIDs in the state folder),
# wait for them, stop them with SIGTERM (a background job ignores SIGINT).
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app_dll="$repo/src/TechCourse.Admin/bin/Release/net10.0/TechCourse.Admin.dll"

build_app() {
    dotnet build -c Release --nologo -v q "$repo/src/TechCourse.Admin" >/dev/null
}

# run_verb ARGS… : a CLI verb of the app with the environment's settings
run_verb() {
    (cd "$repo" && dotnet "$app_dll" "$@")
}

# start_instance STATE PORT [NAME=VALUE…] : one app instance on 127.0.0.1:PORT, log in STATE/app-PORT.log
start_instance() {
    local state="$1" port="$2"; shift 2
    (cd "$repo" && exec env "$@" ASPNETCORE_URLS="http://127.0.0.1:$port" dotnet "$app_dll" >"$state/app-$port.log" 2>&1) &
    echo $! >"$state/app-$port.pid"
    wait_healthy "$port" 120 || { echo "instance on $port did not become healthy; its log:" >&2; tail -20 "$state/app-$port.log" >&2; return 1; }
    echo "instance on 127.0.0.1:$port (pid $(cat "$state/app-$port.pid"))"
}

wait_healthy() {
    local port="$1" seconds="$2"
    for _ in $(seq 1 $((seconds * 4))); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health")" = 200 ] && return 0
        sleep 0.25
    done
    return 1
}

stop_instance() {
    local state="$1" port="$2" pid
    [ -s "$state/app-$port.pid" ] || return 0
    pid="$(cat "$state/app-$port.pid")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$state/app-$port.pid"
    echo "instance on $port (pid $pid) stopped"
}
