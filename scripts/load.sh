#!/usr/bin/env bash
# Load test of `signpost serve` on a generated bank, over loopback.
#
#   scripts/load.sh                          # 10,000 entries, 20 s per run
#   ENTRIES=100000 DURATION=10s scripts/load.sh   # national scale
#   CORPUS=/tmp/c100k ENTRIES=100000 scripts/load.sh   # reuse a corpus
#   BIN=/tmp/old-signpost scripts/load.sh    # measure another build
#   ROUNDS=5 scripts/load.sh                 # more rounds of the goal runs
#
# Builds the release binaries (unless BIN is given), writes the corpus to a
# temporary directory (or uses CORPUS, which must hold ENTRIES entries),
# times a cold start (index built) and warm starts (index current) until
# /healthz answers, with the CPU time the server had used by then, then
# runs wrk against:
#   - in ROUNDS rounds (3 by default), the runs SPEC's goals are about:
#     the text searches of scripts/text.paths at 1 connection (latency)
#     and at 8 (throughput), and the filter-only searches of
#     scripts/facets.paths at 8, each with the server's CPU time a request;
#     then each run's median;
#   - a plain search, a facet-heavy one and an HTML page, 64 connections;
#   - the mix of scripts/mixed.lua, 64 connections, plain and gzip;
# and prints the server's resident memory after it all. Installs wrk with
# apt-get when it is missing. Figures: docs/benchmarks.md.
#
# wrk shares the machine with the server: on 2 cores the requests/s are a
# floor. A virtual machine's speed can swing by half within minutes (the
# host's other work does not show as steal time), so the goal runs are
# interleaved in rounds and their medians reported, with the server's CPU
# time a request, which moves less.
set -euo pipefail

ENTRIES=${ENTRIES:-10000}
PORT=${PORT:-18080}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
STARTS=${STARTS:-5}
ROUNDS=${ROUNDS:-3}
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

# CPU time (user + system, ms) a process has used so far.
cpu_ms() {
    awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"
}

# Starts the server; sets SERVER_PID, STARTUP_MS (until /healthz answers
# 200) and STARTUP_CPU_MS. Not run in a subshell, so that stop_server can
# stop it.
start_server() {
    local t0 t1
    if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then
        echo "something already answers on $ADDR; set PORT" >&2
        exit 1
    fi
    t0=$(now_ns)
    "$BIN" serve --content "$CONTENT" --index "$WORK/index" \
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
    STARTUP_CPU_MS=$(cpu_ms "$SERVER_PID")
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# A yardstick of the machine's speed at the time: milliseconds to hash
# 128 MB on every core at once (a neighbour on the host can slow one core
# and not the other). Runs far apart in time compare only as far as their
# yardsticks agree.
yardstick_ms() {
    local t0 pids=()
    t0=$(now_ns)
    for _ in $(seq "$(nproc)"); do
        head -c 128M /dev/zero | sha256sum >/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}"
    echo $((($(now_ns) - t0) / 1000000))
}

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "yardstick (sha256 of 128 MB on each core at once): $(yardstick_ms) ms"

if [[ -z "${BIN:-}" ]]; then
    echo "== build"
    # As `cargo test --release` builds them, so that the tree is compiled
    # once for the tests and the benchmarks (see tests/browser/run.sh).
    cargo test --release --no-run -q
    BIN=target/release/signpost
fi

echo "== corpus"
if [[ -n "${CORPUS:-}" ]]; then
    CONTENT=$CORPUS
    echo "using $CONTENT"
else
    CONTENT="$WORK/content"
    target/release/signpost-corpus --entries "$ENTRIES" --out "$CONTENT" --seed 1
fi

echo "== serve start"
start_server
echo "cold start (checks content, builds the index): ${STARTUP_MS} ms, ${STARTUP_CPU_MS} ms CPU"
stop_server
warm=()
warm_cpu=()
for _ in $(seq "$STARTS"); do
    start_server
    warm+=("$STARTUP_MS")
    warm_cpu+=("$STARTUP_CPU_MS")
    stop_server
done
echo "warm starts (index current), ms: $(printf '%s ' "${warm[@]}")(median $(printf '%s\n' "${warm[@]}" | median) ms)"
echo "  CPU time at ready, ms: $(printf '%s ' "${warm_cpu[@]}")(median $(printf '%s\n' "${warm_cpu[@]}" | median) ms)"

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
echo "healthz: $(curl -fsS "$BASE/healthz")"

run_wrk() {
    local out
    out=$(wrk --latency "$@")
    echo "$out" | grep -E '^ +Latency +[0-9]|50%|99%|requests in|Non-2xx|Socket errors' | sed 's/^/   /'
    echo "$out" | awk '/Requests\/sec/ {print "   requests/s: " $2}'
}
# One goal run: wrk over a paths file; prints its figures and appends
# "requests/s mean-latency-us server-cpu-us-a-request" to the file $1.
goal_run() {
    local record=$1 threads=$2 connections=$3 paths=$4 out c0 c1 requests
    c0=$(cpu_ms "$SERVER_PID")
    out=$(wrk --latency -t"$threads" -c"$connections" -d"$DURATION" -s scripts/paths.lua "$BASE" -- "$paths")
    c1=$(cpu_ms "$SERVER_PID")
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    echo "$out" | awk -v cpu=$(((c1 - c0) * 1000 / requests)) '
        /^ +Latency +[0-9]/ { v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
                              latency = (u == "ms" ? v * 1000 : (u == "s" ? v * 1000000 : v)) }
        /Requests\/sec/ { rps = $2 }
        /Non-2xx|Socket errors/ { print "   " $0 }
        END { printf "   %.0f requests/s, mean latency %.0f us, server CPU %d us a request\n", rps, latency, cpu
              print rps, latency, cpu >> "'"$record"'" }'
}
# The median of a column of a goal run's records.
column_median() { awk -v c="$2" '{print $c}' "$1" | median; }

# Warm the page cache and the allocator before measuring.
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s scripts/paths.lua "$BASE" -- scripts/text.paths >/dev/null
for round in $(seq "$ROUNDS"); do
    echo "-- round $round of $ROUNDS (yardstick $(yardstick_ms) ms)"
    echo "   text searches (scripts/text.paths), 1 connection:"
    goal_run "$WORK/text1" 1 1 scripts/text.paths
    echo "   text searches, 8 connections:"
    goal_run "$WORK/text8" "$THREADS" 8 scripts/text.paths
    echo "   filters only (scripts/facets.paths), 8 connections:"
    goal_run "$WORK/filters8" "$THREADS" 8 scripts/facets.paths
done
echo "-- medians of $ROUNDS rounds"
echo "   text, 1 connection: mean latency $(column_median "$WORK/text1" 2) us, server CPU $(column_median "$WORK/text1" 3) us a request"
echo "   text, 8 connections: $(column_median "$WORK/text8" 1) requests/s, server CPU $(column_median "$WORK/text8" 3) us a request"
echo "   filters, 8 connections: $(column_median "$WORK/filters8" 1) requests/s, server CPU $(column_median "$WORK/filters8" 3) us a request"

URLS=(
    "/api/search?q=consent&key_stage=ks2"
    "/api/search?topic=consent&topic=healthy-relationships&topic=online-safety&sector=primary&sector=special&format=lesson-plan&format=video&audience=teachers&audience=pupils&cost=free"
    "/search?q=consent&key_stage=ks2"
)
for url in "${URLS[@]}"; do
    bytes=$(curl -fsS "$BASE$url" | wc -c)
    echo "-- $url (${bytes} bytes), $CONNECTIONS connections"
    run_wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$BASE$url"
done
echo "-- mixed: the teacher, DSL and head searches of scripts/mixed.lua, in turn"
run_wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s scripts/mixed.lua "$BASE"
echo "-- mixed, gzip (as browsers ask)"
run_wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s scripts/mixed.lua -H "Accept-Encoding: gzip" "$BASE"
echo "== memory after the load"
grep -E 'VmRSS|RssAnon|RssFile|VmHWM' "/proc/$SERVER_PID/status" | sed 's/^/   /'

stop_server
echo "server log: $(wc -l <"$WORK/server.log") lines"
