#!/usr/bin/env bash
# Load test of `signpost serve` on a generated bank, over loopback.
#
#   scripts/load.sh                       # 10,000 entries, 20 s per URL
#   ENTRIES=2000 DURATION=5s scripts/load.sh
#
# Builds the release binaries, writes the corpus to a temporary directory,
# times a cold start (index built) and warm starts (index current) until
# /healthz answers, then runs wrk (2 threads, 64 connections) against a
# plain search and a facet-heavy one, and prints requests/s. Installs wrk
# with apt-get when it is missing. Figures: docs/benchmarks.md.
set -euo pipefail

ENTRIES=${ENTRIES:-10000}
PORT=${PORT:-18080}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
STARTS=${STARTS:-5}
ADDR="127.0.0.1:${PORT}"
BASE="http://${ADDR}"

cd "$(dirname "$0")/.."
WORK=$(mktemp -d "${TMPDIR:-/tmp}/signpost-load.XXXXXX")
SERVER_PID=""

stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        # SIGTERM: a background job of a script ignores SIGINT.
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT

now_ns() { date +%s%N; }

# Starts the server; sets SERVER_PID and STARTUP_MS (until /healthz
# answers 200). Not run in a subshell, so that stop_server can stop it.
start_server() {
    local t0 t1
    if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then
        echo "something already answers on $ADDR; set PORT" >&2
        exit 1
    fi
    t0=$(now_ns)
    target/release/signpost serve --content "$WORK/content" --index "$WORK/index" \
        --addr "$ADDR" >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    until curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "the server exited; its log:" >&2
            cat "$WORK/server.log" >&2
            exit 1
        fi
        sleep 0.005
    done
    t1=$(now_ns)
    STARTUP_MS=$(((t1 - t0) / 1000000))
}

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(uname -sr)"

echo "== build"
cargo build --release --bin signpost --bin signpost-corpus

echo "== corpus"
target/release/signpost-corpus --entries "$ENTRIES" --out "$WORK/content" --seed 1

echo "== serve start"
start_server
echo "cold start (checks content, builds the index): ${STARTUP_MS} ms"
stop_server
warm=()
for _ in $(seq "$STARTS"); do
    start_server
    warm+=("$STARTUP_MS")
    stop_server
done
sorted=$(printf '%s\n' "${warm[@]}" | sort -n | tr '\n' ' ')
median=$(printf '%s\n' "${warm[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "warm starts (index current), ms: ${sorted}(median ${median} ms)"

echo "== load"
if ! command -v wrk >/dev/null; then
    echo "installing wrk"
    if [[ $(id -u) -eq 0 ]]; then
        apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
    else
        sudo apt-get install -y wrk >/dev/null || { sudo apt-get update >/dev/null && sudo apt-get install -y wrk >/dev/null; }
    fi
fi
start_server
total=$(curl -fsS "$BASE/healthz")
echo "healthz: $total"

URLS=(
    "/api/search?q=consent&key_stage=ks2"
    "/api/search?topic=consent&topic=healthy-relationships&topic=online-safety&sector=primary&sector=special&format=lesson-plan&format=video&audience=teachers&audience=pupils&cost=free"
    "/search?q=consent&key_stage=ks2"
)
run_wrk() {
    local out
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
    echo "$out" | grep -E 'Latency|50%|99%|requests in|Non-2xx|Socket errors' | sed 's/^/   /'
    echo "$out" | awk '/Requests\/sec/ {print "   requests/s: " $2}'
}
# Warm the page cache and the allocator before measuring.
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "$BASE${URLS[0]}" >/dev/null
for url in "${URLS[@]}"; do
    bytes=$(curl -fsS "$BASE$url" | wc -c)
    echo "-- $url (${bytes} bytes)"
    run_wrk "$BASE$url"
done
echo "-- mixed: the teacher, DSL and head searches of scripts/mixed.lua, in turn"
run_wrk -s scripts/mixed.lua "$BASE"
echo "-- mixed, gzip (as browsers ask)"
run_wrk -s scripts/mixed.lua -H "Accept-Encoding: gzip" "$BASE"

stop_server
echo "server log: $(wc -l <"$WORK/server.log") lines"
