#!/usr/bin/env bash
# The first compile on a cold runner, with the client's toolchain shipped (a sandboxed ferryd
# runs the compiler the client sends: driver, cc1/cc1plus, as, the loader and every library,
# compiler/toolchain.hpp), for gcc and for clang. For each compiler, in order:
#   cold       fresh ferryd (empty private cache), fresh coordinator: the toolchain travels
#   warm       the same ferryd and coordinator, a second compile
#   cold-dir   fresh ferryd with an empty --cache-dir, fresh coordinator (a second cold sample)
#   restart    ferryd restarted on that --cache-dir, fresh coordinator: nothing should travel
#   restart+1  a second compile on the restarted ferryd (warm again)
# "restart" minus "restart+1" is what a fresh coordinator costs (it probes and hashes the
# toolchain); "cold" minus "restart" is what shipping the toolchain costs.
# Bytes: what ferryd's sockets received, from the kernel's own per-socket counter
# (tcpi_bytes_received, `ss -ti`, read before anything closes), i.e. wire bytes after zstd;
# and the decoded payload of the file_data frames ferryd logged at -v.
# Usage: bench/toolchain_ship/run.sh [REPEATS] [BUILD_DIR]   (default 3, build/rel)
# $FERRYD_ARGS: more ferryd options, e.g. --no-reuse-installed: ferryd then fetches every
# toolchain file from the client instead of taking this machine's identical installed ones
# (installed_reuse), so that the bytes measure the shipping on one machine.
set -euo pipefail
repeats=${1:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${2:-$root/build/rel}
FERRY=$build/programs/ferry/ferry
FERRYD=$build/programs/ferryd/ferryd
[ -x "$FERRY" ] && [ -x "$FERRYD" ] || { echo "build ferry first (cmake --build $build)"; exit 2; }
addr=127.0.0.30
port=27810

tmp=$(mktemp -d /tmp/ferry-toolchain-ship-XXXXXX)
ferryd_pid=
run_dir=
stop_coordinator() {
    [ -n "$run_dir" ] && XDG_RUNTIME_DIR=$run_dir "$FERRY" shutdown >/dev/null 2>&1 || true
    run_dir=
}
stop_ferryd() {
    [ -n "$ferryd_pid" ] && { kill "$ferryd_pid" 2>/dev/null || true; wait "$ferryd_pid" 2>/dev/null || true; }
    ferryd_pid=
}
cleanup() {
    stop_coordinator
    stop_ferryd
    rm -rf "$tmp"
}
trap cleanup EXIT
export FERRY_HOSTS="$addr:$port/2" FERRY_IDLE_TIMEOUT=600
chmod 755 "$tmp"
cd "$tmp"
printf 'int add(int a, int b) { return a + b; }\n' >tiny.c

n_start=0
start_ferryd() { # LOG [ferryd options...]
    local log=$1
    shift
    # shellcheck disable=SC2086
    "$FERRYD" --listen "$addr:$port" --jobs 2 -v --log-file "$log" ${FERRYD_ARGS:-} "$@" &
    ferryd_pid=$!
    for _ in $(seq 100); do
        grep -q "runner '" "$log" 2>/dev/null && break
        sleep 0.1
    done
    grep -q 'jobs run sandboxed' "$log" || { echo "ferryd is not sandboxing:"; cat "$log"; exit 1; }
    n_start=$((n_start + 1))
    run_dir=$tmp/run$n_start
    mkdir -m 700 "$run_dir"
}
# Bytes received so far on ferryd's side of every established connection.
received() {
    ss -Htin state established "( sport = :$port )" src "$addr" |
        { grep -o 'bytes_received:[0-9]*' || true; } | cut -d: -f2 | awk '{s += $1} END {print s + 0}'
}
file_data_bytes() { # LOG: decoded file_data payload logged so far
    { grep -o 'file_data frame, [0-9]* bytes' "$1" || true; } | awk '{s += $3} END {print s + 0}'
}
results=$tmp/results.txt
: >"$results"
compile() { # COMPILER LABEL LOG
    local cc=$1 label=$2 log=$3 rx0 fd0 jobs0 t0 t1 rx1 fd1 fetched
    rx0=$(received); fd0=$(file_data_bytes "$log"); jobs0=$(grep -c 'job .* exit 0' "$log" || true)
    t0=$(date +%s%N)
    XDG_RUNTIME_DIR=$run_dir "$FERRY" "$cc" -O2 -c tiny.c -o remote.o
    t1=$(date +%s%N)
    rx1=$(received); fd1=$(file_data_bytes "$log")
    [ "$(grep -c 'job .* exit 0' "$log")" -gt "$jobs0" ] || { echo "$cc ($label) did not run remotely"; exit 1; }
    "$cc" -O2 -c tiny.c -o local.o
    cmp -s local.o remote.o || { echo "$cc ($label): object differs from the local one"; exit 1; }
    fetched=$({ grep -o '[0-9]* files, [0-9]* to fetch' "$log" || true; } | tail -1 | awk '{print $3 "/" $1}')
    echo "$cc $label $(((t1 - t0) / 1000000)) $((rx1 - rx0)) $((fd1 - fd0)) $fetched" >>"$results"
}

for ((r = 0; r < repeats; r++)); do
    for cc in gcc clang; do
        log=$tmp/ferryd-$cc-$r-private.log
        start_ferryd "$log"
        compile $cc cold "$log"
        compile $cc warm "$log"
        stop_coordinator; stop_ferryd
        cache=$tmp/cache-$cc-$r
        # ferryd started as root runs as nobody, and makes no parent directories.
        mkdir "$cache"
        [ "$(id -u)" != 0 ] || chown nobody:nogroup "$cache"
        log=$tmp/ferryd-$cc-$r-dir.log
        start_ferryd "$log" --cache-dir "$cache"
        compile $cc cold-dir "$log"
        stop_coordinator; stop_ferryd
        start_ferryd "$log" --cache-dir "$cache"
        compile $cc restart "$log"
        compile $cc restart+1 "$log"
        stop_coordinator; stop_ferryd
        rm -rf "$cache"
    done
done

echo "$repeats repeats; one ferryd (sandboxed, 2 slots${FERRYD_ARGS:+, $FERRYD_ARGS}) on $addr:$port; medians over the repeats"
printf '%-6s %-10s %12s %16s %18s %14s\n' compiler step wall_ms wire_bytes_in file_data_bytes fetched/files
for cc in gcc clang; do
    for label in cold warm cold-dir restart restart+1; do
        awk -v c=$cc -v l=$label '$1 == c && $2 == l' "$results" >sel.txt
        med() { cut -d' ' -f"$1" sel.txt | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
        printf '%-6s %-10s %12s %16s %18s %14s\n' $cc $label "$(med 3)" "$(med 4)" "$(med 5)" "$(med 6)"
    done
done
echo "every run (compiler step wall_ms wire_bytes_in file_data_bytes fetched/files):"
cat "$results"
