#!/usr/bin/env bash
# What a watcher costs the build: the same clean make -j4 of N small C units through ferry
# (two loopback ferryd runners), alternately without and with `ferry mon --web` open and a
# curl reading its event stream (so the coordinator encodes every event and the dashboard
# builds JSON for every one). Rounds alternate so machine noise hits both alike; medians and
# their ratio go to RESULTS.md with the command that produced them.
# Usage: bench/monitor_cost/run.sh [ROUNDS] [BUILD_DIR] [UNITS]   (default 7, build/dev, 24)
set -euo pipefail
rounds=${1:-7}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${2:-$root/build/dev}" && pwd)
units=${3:-24}
FERRY=$build/programs/ferry/ferry
FERRYD=$build/programs/ferryd/ferryd
[ -x "$FERRY" ] && [ -x "$FERRYD" ] || { echo "build ferry first (cmake --build $build)"; exit 2; }

tmp=$(mktemp -d /tmp/ferry-bench-mon-XXXXXX)
export XDG_RUNTIME_DIR="$tmp/run" FERRY_IDLE_TIMEOUT=600
export FERRY_HOSTS="127.0.0.30:27730/2 127.0.0.31:27730/2"
mkdir -m 700 "$tmp/run"
# shellcheck source=../lib/loopback_ferryd.sh
. "$here/../lib/loopback_ferryd.sh"
mon_pid= curl_pid=
cleanup() {
    [ -z "$curl_pid" ] || kill "$curl_pid" 2>/dev/null || true
    [ -z "$mon_pid" ] || kill "$mon_pid" 2>/dev/null || true
    "$FERRY" shutdown >/dev/null 2>&1 || true
    bench_stop_ferryds
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
for a in 127.0.0.30 127.0.0.31; do
    bench_start_ferryd "$FERRYD" "$a:27730" "$tmp/ferryd-$a.log"
done

mkdir -p "$tmp/proj"
for ((u = 1; u <= units; u++)); do
    {
        echo '#include <stdio.h>'
        echo '#include <string.h>'
        for ((f = 1; f <= 20; f++)); do
            echo "int f${f}_$u(const char *s) { int n = 0; for (; *s; ++s) n += *s * $f; return n + (int)strlen(s); }"
        done
        echo "void unit_$u(void) { printf(\"%d\\n\", f1_$u(\"x\")); }"
    } >"$tmp/proj/unit_$u.c"
done
printf 'OBJS := $(patsubst %%.c,%%.o,$(wildcard unit_*.c))\nall: $(OBJS)\n%%.o: %%.c\n\t$(CC) -O2 -c $< -o $@\n' \
    >"$tmp/proj/Makefile"

build_once() { # prints the wall time in ms
    rm -f "$tmp"/proj/*.o
    local t0 t1
    t0=$(date +%s%N)
    make -s -C "$tmp/proj" -j4 CC="$FERRY gcc" >/dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}
watch_on() {
    "$FERRY" mon --web 127.0.0.1:0 2>"$tmp/mon.err" &
    mon_pid=$!
    local port= i
    for ((i = 0; i < 100; i++)); do
        sleep 0.1
        port=$(sed -n 's|.*dashboard at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/mon.err")
        [ -z "$port" ] || break
    done
    [ -n "$port" ] || { echo "ferry mon --web did not start: $(cat "$tmp/mon.err")"; exit 1; }
    curl -sN "http://127.0.0.1:$port/events" >"$tmp/events.txt" &
    curl_pid=$!
    sleep 0.3
}
# CPU time (ms) a process has used so far: user + system, from /proc (clock ticks).
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"; }
watch_off() {
    mon_cpu+=("$(cpu_ms "$mon_pid")")
    kill "$curl_pid" "$mon_pid" 2>/dev/null || true
    wait "$curl_pid" "$mon_pid" 2>/dev/null || true
    curl_pid= mon_pid=
}

"$FERRY" status >/dev/null
build_once >/dev/null # warm-up: toolchain and headers shipped to both runners
without=() with=() mon_cpu=() events=0
for ((r = 1; r <= rounds; r++)); do
    without+=("$(build_once)")
    watch_on
    with+=("$(build_once)")
    events=$((events + $(grep -c '^event: job' "$tmp/events.txt" || true)))
    watch_off
    echo "round $r: without ${without[-1]} ms, with ${with[-1]} ms (ferry mon --web used ${mon_cpu[-1]} ms of CPU)" >&2
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
m0=$(median "${without[@]}")
m1=$(median "${with[@]}")
mc=$(median "${mon_cpu[@]}")
spread=$(printf '%s\n' "${without[@]}" | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print hi - lo }')
diff=$(awk -v a="$m1" -v b="$m0" 'BEGIN { d = a - b; print (d < 0 ? -d : d) }')
ratio=$(awk -v a="$m1" -v b="$m0" 'BEGIN { printf "%.3f", a / b }')
{
    echo "# What a watcher costs: \`ferry mon --web\` with an SSE reader, during a build"
    echo
    echo "Command: \`bench/monitor_cost/run.sh $rounds ${2:-build/dev} $units\` ($(date -u +%Y-%m-%d), $(nproc) cores,"
    echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); other builds shared the machine)."
    echo
    echo "A clean \`make -j4\` of $units small C units (\`-O2\`, stdio.h and string.h) through ferry to two"
    echo "loopback runners of 2 slots each, alternating rounds without and with the dashboard open and"
    echo "\`curl -N /events\` reading its stream ($events job events relayed over the $rounds watched builds)."
    echo
    echo "| | median wall time (ms) | every round (ms) |"
    echo "|---|---|---|"
    echo "| without a watcher | $m0 | ${without[*]} |"
    echo "| with \`ferry mon --web\` + SSE reader | $m1 | ${with[*]} |"
    echo
    echo "Ratio with/without: **$ratio**."
    echo
    echo "CPU time of the \`ferry mon --web\` process itself over a whole watched build (start, relay,"
    echo "JSON for every event, exit), median: **$mc ms** (every round: ${mon_cpu[*]} ms), against a"
    echo "build of $m0 ms wall time."
    echo
    echo "Noise: the rounds without a watcher spread over ${spread} ms (max - min), the medians differ"
    echo "by ${diff} ms$(awk -v d="$diff" -v s="$spread" 'BEGIN { if (d < s) print ": less than the spread, so this machine cannot tell the two apart" }')."
} >"$here/RESULTS.md"
cat "$here/RESULTS.md"
