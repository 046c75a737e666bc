#!/usr/bin/env bash
# The coordinator's CPU per unit on a real build, two `ferry` builds side by side: OpenSSL's
# first N libcrypto objects built with `ferry make` through one loopback ferryd (2 slots,
# every unit remote: FERRY_LOCAL_WHEN_IDLE=0), NEW then BASE alternately, each build with a
# fresh coordinator (a first build). CPU = the coordinator's utime+stime (/proc/PID/stat)
# when the build is over, divided by the units. CPU time, not wall: the machine's load moves
# it little. The tree is bench/farm's OpenSSL (run bench/farm/run.sh --workloads openssl once).
# Usage: bench/include_walk/coordinator_cpu.sh NEW_FERRY BASE_FERRY FERRYD [ROUNDS] [UNITS]
set -euo pipefail
new=$(realpath "$1") base=$(realpath "$2") ferryd=$(realpath "$3") rounds=${4:-3} units=${5:-300}
CACHE_DIR=${CACHE_DIR:-/var/tmp/ferry-bench-farm}
ls -d "$CACHE_DIR"/openssl-src/openssl-*/ >/dev/null 2>&1 || { echo "no OpenSSL source in $CACHE_DIR" >&2; exit 1; }
# The tree as bench/farm sets it up (its workloads.sh): configured, generated headers made.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../farm/lib/common.sh
. "$here/../farm/lib/common.sh"
# shellcheck source=../farm/lib/workloads.sh
. "$here/../farm/lib/workloads.sh"
tmp=$(mktemp -d /tmp/ferry-coord-cpu-XXXXXX)
# shellcheck source=../lib/loopback_ferryd.sh
. "$here/../lib/loopback_ferryd.sh"
cleanup() {
    for d in new base; do XDG_RUNTIME_DIR=$tmp/run-$d "$new" shutdown >/dev/null 2>&1 || true; done
    bench_stop_ferryds
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
wl_openssl_setup "$tmp/ossl"
mapfile -t objs < <(openssl_all_objects "$tmp/ossl" | sed -n "1,${units}p")
bench_start_ferryd "$ferryd" 127.0.0.81:27781 "$tmp/ferryd.log"
export FERRY_HOSTS=127.0.0.81:27781/2 FERRY_LOCAL_WHEN_IDLE=0 FERRY_SPECULATE=0 FERRY_IDLE_TIMEOUT=600
clk=$(getconf CLK_TCK)
build() { # NAME BINARY: prints the coordinator's CPU ms per unit analysed
    local run=$tmp/run-$1
    mkdir -p -m 700 "$run"
    (cd "$tmp/ossl" && rm -f "${objs[@]}" && find crypto providers -name '*.s' -newer "$tmp/ossl/Makefile" -delete)
    XDG_RUNTIME_DIR=$run "$2" make --quiet -C "$tmp/ossl" -s CC="$2 gcc" "${objs[@]}" >/dev/null
    local pid analysed ticks
    local walk_ms
    read -r pid analysed walk_ms < <(XDG_RUNTIME_DIR=$run "$2" status --json | python3 -c 'import json, sys
s = json.load(sys.stdin)
a = s["include_analysis"]
print(s["coordinator_pid"], a["units"], a["analysis_ms_total"])')
    ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    XDG_RUNTIME_DIR=$run "$2" shutdown >/dev/null
    for _ in $(seq 100); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
    awk -v t="$ticks" -v c="$clk" -v n="$analysed" -v w="$walk_ms" \
        'BEGIN { printf "%.2f %.2f %d\n", t / c * 1000 / n, w / n, n }'
}
declare -A samples
for ((r = 0; r < rounds; r++)); do
    if ((r % 2)); then order="base new"; else order="new base"; fi
    for d in $order; do
        bin=$new
        [ "$d" = base ] && bin=$base
        read -r ms walk n < <(build "$d" "$bin")
        echo "round $r $d: $ms ms per unit, of it the walk $walk ms ($n units analysed)"
        samples[$d]+="$ms "
        samples[$d-walk]+="$walk "
    done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "coordinator CPU per unit, median of $rounds: new $(echo "${samples[new]}" | median) ms, base $(echo "${samples[base]}" | median) ms"
echo "the walk's CPU per unit (the analysing thread's; the base reports wall time if it predates"
echo "that), median of $rounds: new $(echo "${samples[new-walk]}" | median) ms, base $(echo "${samples[base-walk]}" | median) ms"
