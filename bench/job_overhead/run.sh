#!/usr/bin/env bash
# Per-job overhead on a tiny translation unit: plain `gcc -c`, `ferry gcc -c` to a loopback
# ferryd, and `distcc gcc -c` to a loopback distccd (Debian's distcc), measured side by side:
# each round runs the three once, in turn, so machine noise hits all of them alike. ferry runs
# twice a round: a rebuild of the same unit (its remote compile starts speculatively with the
# last scan's request) and a first build (a new -o name each round: nothing to speculate on).
# Usage: bench/job_overhead/run.sh [ROUNDS] [BUILD_DIR]   (default 60 rounds, build/ci-gcc)
set -euo pipefail
rounds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${2:-$root/build/ci-gcc}
FERRY=$build/client/ferry
FERRYD=$build/remote/runner/ferryd
[ -x "$FERRY" ] && [ -x "$FERRYD" ] || { echo "build ferry first (scripts/test.sh or cmake)"; exit 2; }
command -v distccd >/dev/null || { echo "distcc is not installed (scripts/install-deps.sh)"; exit 2; }

tmp=$(mktemp -d /tmp/ferry-bench-XXXXXX)
pids=()
cleanup() {
    XDG_RUNTIME_DIR=$tmp/run "$FERRY" shutdown >/dev/null 2>&1 || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    pkill -f "distccd.*$tmp" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -m 700 "$tmp/run" "$tmp/distcc"
# distccd drops root for its own user before it opens its log.
chmod 755 "$tmp"
install -m 666 /dev/null "$tmp/distccd.log"
export XDG_RUNTIME_DIR=$tmp/run FERRY_IDLE_TIMEOUT=600

cat >"$tmp/tiny.c" <<'C'
int add(int a, int b) { return a + b; }
C
# A small unit with the usual libc headers: ferry ships them once (the runner caches them
# by content), distcc ships their preprocessed text with every job.
cat >"$tmp/small.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
    char *copy = strdup(argc > 1 ? argv[1] : "ferry");
    printf("%s %zu\n", copy, strlen(copy));
    free(copy);
    return 0;
}
C

"$FERRYD" --listen 127.0.0.20:3700 --jobs 2 --log-file "$tmp/ferryd.log" &
pids+=($!)
distccd --daemon --no-detach --allow 127.0.0.0/8 --listen 127.0.0.21 --port 3701 --jobs 2 \
    --log-file "$tmp/distccd.log" --pid-file "$tmp/distccd.pid" &
pids+=($!)
sleep 1

export FERRY_HOSTS="127.0.0.20:3700/2"
export DISTCC_HOSTS="127.0.0.21:3701/2"
export DISTCC_FALLBACK=0 DISTCC_SKIP_LOCAL_RETRY=1 DISTCC_DIR=$tmp/distcc
cd "$tmp"
# Warm up: starts the coordinator, fills caches, proves each path works remotely.
for src in tiny small; do
    "$FERRY" gcc -O2 -c $src.c -o f.o
    distcc gcc -O2 -c $src.c -o d.o
done
grep -q 'job .* exit 0' ferryd.log || { echo "ferry did not compile remotely"; exit 1; }
grep -q 'COMPILE_OK' distccd.log || { echo "distcc did not compile remotely:"; tail distccd.log; exit 1; }

now() { date +%s%N; }
median() { sort -n "$1" | awk '{a[NR]=$1} END {printf "%d\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "rounds: $rounds (interleaved), gcc -O2 -c, one loopback runner each (2 slots)"
echo "median wall time per job (microseconds)"
for src in tiny small; do
    : >gcc.txt; : >ferry.txt; : >cold.txt; : >distcc.txt
    for ((i = 0; i < rounds; i++)); do
        t0=$(now); gcc -O2 -c $src.c -o g.o; t1=$(now); echo $(((t1 - t0) / 1000)) >>gcc.txt
        t0=$(now); "$FERRY" gcc -O2 -c $src.c -o f.o; t1=$(now); echo $(((t1 - t0) / 1000)) >>ferry.txt
        t0=$(now); "$FERRY" gcc -O2 -c $src.c -o c$i.o; t1=$(now); echo $(((t1 - t0) / 1000)) >>cold.txt
        t0=$(now); distcc gcc -O2 -c $src.c -o d.o; t1=$(now); echo $(((t1 - t0) / 1000)) >>distcc.txt
    done
    cmp -s g.o f.o || { echo "ferry's object for $src.c differs from gcc's"; exit 1; }
    cmp -s g.o c0.o || { echo "ferry's first-build object for $src.c differs from gcc's"; exit 1; }
    rm -f c*.o
    mg=$(median gcc.txt); mf=$(median ferry.txt); mc=$(median cold.txt); md=$(median distcc.txt)
    ratio() { awk -v f="$1" -v d="$2" 'BEGIN{printf "%.2f", f/d}'; }
    cat <<REPORT
$src.c:
  gcc (local)             $mg
  ferry gcc (rebuild)     $mf   overhead $((mf - mg)) us
  ferry gcc (first build) $mc   overhead $((mc - mg)) us
  distcc gcc              $md   overhead $((md - mg)) us
  ferry/distcc overhead ratio: rebuild $(ratio $((mf - mg)) $((md - mg))), first build $(ratio $((mc - mg)) $((md - mg)))
REPORT
done
echo "jobs the runners logged: ferryd $(grep -c 'job .* exit 0' ferryd.log), distccd $(grep -c 'COMPILE_OK' distccd.log)"
clog=$(ls "$XDG_RUNTIME_DIR"/ferry/*.log | head -1)
echo "coordinator: $(grep -c 'speculative answer used' "$clog") speculative answers used, $(grep -c 'speculative answer not used\|speculative start dropped' "$clog") dropped"
