#!/usr/bin/env bash
# Per-job overhead on a tiny translation unit: plain `gcc -c`, `ferry gcc -c` to a loopback
# ferryd that runs every job in its namespace sandbox, the same to a loopback
# `ferryd --unsandboxed` (installed compiler, re-rooted paths, no namespaces: ferry before the
# sandbox), and `distcc gcc -c` to a loopback distccd (Debian's distcc), measured side by side:
# each round runs every command once, in turn, so machine noise hits all of them alike. Each
# ferry runs twice a round: a rebuild of the same unit (its remote compile starts
# speculatively with the last scan's request) and a first build (a new -o name each round:
# nothing to speculate on).
# Usage: bench/job_overhead/run.sh [ROUNDS] [BUILD_DIR]   (default 101 rounds, build/rel)
set -euo pipefail
rounds=${1:-101}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${2:-$root/build/rel}
FERRY=$build/programs/ferry/ferry
FERRYD=$build/programs/ferryd/ferryd
[ -x "$FERRY" ] && [ -x "$FERRYD" ] || { echo "build ferry first (scripts/test.sh or cmake)"; exit 2; }
command -v distccd >/dev/null || { echo "distcc is not installed (scripts/install-deps.sh)"; exit 2; }

tmp=$(mktemp -d /tmp/ferry-bench-XXXXXX)
# Two ferry configurations, each with its own runtime dir (so its own coordinator).
sb=(env XDG_RUNTIME_DIR="$tmp/run-sb" FERRY_HOSTS=127.0.0.20:27700/2 "$FERRY")
us=(env XDG_RUNTIME_DIR="$tmp/run-us" FERRY_HOSTS=127.0.0.22:27702/2 "$FERRY")
# shellcheck source=../lib/loopback_ferryd.sh
. "$here/../lib/loopback_ferryd.sh"
pids=() # distccd
cleanup() {
    "${sb[@]}" shutdown >/dev/null 2>&1 || true
    "${us[@]}" shutdown >/dev/null 2>&1 || true
    bench_stop_ferryds
    for p in "${pids[@]}"; do
        # distccd's pre-forked workers are its children: end them by id, then it.
        for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do kill "$c" 2>/dev/null || true; done
        kill "$p" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -m 700 "$tmp/run-sb" "$tmp/run-us" "$tmp/distcc"
# distccd drops root for its own user before it opens its log.
chmod 755 "$tmp"
install -m 666 /dev/null "$tmp/distccd.log"
export FERRY_IDLE_TIMEOUT=600

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

bench_start_ferryd "$FERRYD" 127.0.0.20:27700 "$tmp/ferryd-sb.log"
bench_start_ferryd "$FERRYD" 127.0.0.22:27702 "$tmp/ferryd-us.log" --unsandboxed
distccd --daemon --no-detach --allow 127.0.0.0/8 --listen 127.0.0.21 --port 27701 --jobs 2 \
    --log-file "$tmp/distccd.log" --pid-file "$tmp/distccd.pid" &
pids+=($!)
sleep 0.5 # distccd
grep -q 'jobs run sandboxed' "$tmp/ferryd-sb.log" || { echo "ferryd cannot sandbox jobs:"; cat "$tmp/ferryd-sb.log"; exit 1; }

export DISTCC_HOSTS="127.0.0.21:27701/2"
export DISTCC_FALLBACK=0 DISTCC_SKIP_LOCAL_RETRY=1 DISTCC_DIR=$tmp/distcc
cd "$tmp"
# Warm up: starts the coordinators, fills caches (the sandboxed runner receives gcc itself),
# proves each path works remotely.
for src in tiny small; do
    "${sb[@]}" gcc -O2 -c $src.c -o s.o
    "${us[@]}" gcc -O2 -c $src.c -o u.o
    distcc gcc -O2 -c $src.c -o d.o
done
for v in sb us; do
    grep -q 'job .* exit 0' ferryd-$v.log || { echo "ferry ($v) did not compile remotely"; exit 1; }
done
grep -q 'COMPILE_OK' distccd.log || { echo "distcc did not compile remotely:"; tail distccd.log; exit 1; }

now() { date +%s%N; }
median() { sort -n "$1" | awk '{a[NR]=$1} END {printf "%d\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Median of the per-round differences A - B (robust to drift that hits a whole round).
paired() { paste "$1" "$2" | awk '{print $1 - $2}' >pair.txt; median pair.txt; }
ratio() { awk -v f="$1" -v d="$2" 'BEGIN{printf "%.2f", f/d}'; }
timed() { # FILE COMMAND...
    local out=$1 t0 t1
    shift
    t0=$(now); "$@"; t1=$(now); echo $(((t1 - t0) / 1000)) >>"$out"
}
echo "rounds: $rounds (interleaved), gcc -O2 -c, one loopback runner each (2 slots)"
echo "median wall time per job (microseconds)"
for src in tiny small; do
    for f in gcc sb sbcold us uscold distcc; do : >$f.txt; done
    for ((i = 0; i < rounds; i++)); do
        timed gcc.txt gcc -O2 -c $src.c -o g.o
        timed sb.txt "${sb[@]}" gcc -O2 -c $src.c -o s.o
        timed sbcold.txt "${sb[@]}" gcc -O2 -c $src.c -o s$i.o
        timed us.txt "${us[@]}" gcc -O2 -c $src.c -o u.o
        timed uscold.txt "${us[@]}" gcc -O2 -c $src.c -o u$i.o
        timed distcc.txt distcc gcc -O2 -c $src.c -o d.o
    done
    for o in s.o s0.o u.o u0.o; do
        cmp -s g.o $o || { echo "ferry's object $o for $src.c differs from gcc's"; exit 1; }
    done
    rm -f s[0-9]*.o u[0-9]*.o
    mg=$(median gcc.txt); md=$(median distcc.txt)
    ms=$(median sb.txt); msc=$(median sbcold.txt); mu=$(median us.txt); muc=$(median uscold.txt)
    cat <<REPORT
$src.c:
  gcc (local)                         $mg
  ferry, sandboxed (rebuild)          $ms   overhead $((ms - mg)) us
  ferry, sandboxed (first build)      $msc   overhead $((msc - mg)) us
  ferry, unsandboxed (rebuild)        $mu   overhead $((mu - mg)) us
  ferry, unsandboxed (first build)    $muc   overhead $((muc - mg)) us
  distcc gcc                          $md   overhead $((md - mg)) us
  sandbox cost, median of per-round differences: rebuild $(paired sb.txt us.txt) us, first build $(paired sbcold.txt uscold.txt) us
  overhead ratio sandboxed/unsandboxed: rebuild $(ratio $((ms - mg)) $((mu - mg))), first build $(ratio $((msc - mg)) $((muc - mg)))
  overhead ratio to distcc: sandboxed rebuild $(ratio $((ms - mg)) $((md - mg))), first build $(ratio $((msc - mg)) $((md - mg))); unsandboxed rebuild $(ratio $((mu - mg)) $((md - mg))), first build $(ratio $((muc - mg)) $((md - mg)))
REPORT
done
echo "jobs the runners logged: ferryd sandboxed $(grep -c 'job .* exit 0' ferryd-sb.log), unsandboxed $(grep -c 'job .* exit 0' ferryd-us.log), distccd $(grep -c 'COMPILE_OK' distccd.log)"
for v in sb us; do
    clog=$(ls "$tmp/run-$v"/ferry/*.log | head -1)
    echo "coordinator ($v): $(grep -c 'speculative answer used' "$clog") speculative answers used, $(grep -c 'speculative answer not used\|speculative start dropped' "$clog") dropped, $(grep -ci 'locally' "$clog") lines saying local"
done
