#!/usr/bin/env bash
# The wrapper's own CPU per compile: `ferry gcc -c` is a process per compile on the client, so
# its start-up (exec, the dynamic loader, symbol binding, static initialisers) is paid once per
# unit. Measured as the wrapper process's task-clock (perf stat: the process alone, not the
# coordinator or the runner that do the job), for `ferry --version` (start and exit only) and
# for a remote compile of a small unit (the include analysis on: no scan on the client), two
# ferry builds side by side: each round runs every command ten times under one `perf stat -r`,
# in turn, so the machine's drift hits both builds alike. One loopback ferryd and one
# coordinator serve both builds (they speak the same IPC revision).
# Usage: bench/wrapper_start/run.sh NEW_FERRY BASE_FERRY FERRYD [ROUNDS]   (default 21 rounds)
set -euo pipefail
new=$(realpath "$1") base=$(realpath "$2") ferryd=$(realpath "$3") rounds=${4:-21}
command -v perf >/dev/null || { echo "needs perf (scripts/install-deps.sh --bench)"; exit 2; }
tmp=$(mktemp -d /tmp/ferry-wrapper-start-XXXXXX)
export XDG_RUNTIME_DIR=$tmp/run FERRY_HOSTS=127.0.0.61:27761/2 FERRY_LOCAL_WHEN_IDLE=0
# shellcheck source=../lib/loopback_ferryd.sh
. "$(dirname "$0")/../lib/loopback_ferryd.sh"
cleanup() {
    "$new" shutdown >/dev/null 2>&1 || true
    bench_stop_ferryds
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -m 700 "$XDG_RUNTIME_DIR"
cat >"$tmp/small.c" <<'C'
#include <stdio.h>
#include <string.h>
int count(const char *s) { return printf("%zu\n", strlen(s)); }
C
bench_start_ferryd "$ferryd" 127.0.0.61:27761 "$tmp/ferryd.log"
cd "$tmp"
"$new" gcc -O2 -c small.c -o small.o # the runner caches the toolchain and headers
ldd "$new" | grep -c '=>' | xargs echo "new:  shared libraries:"
ldd "$base" | grep -c '=>' | xargs echo "base: shared libraries:"

# msec COMMAND...: the mean task-clock of ten runs, in milliseconds.
msec() { perf stat -x, -e task-clock -r 10 "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 }'; }
declare -A samples
for ((r = 0; r < rounds; r++)); do
    for b in new base; do
        bin=${!b}
        samples[$b-version]+="$(msec "$bin" --version) "
        samples[$b-compile]+="$(msec "$bin" gcc -O2 -c small.c -o small.o) "
    done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-22s %10s %10s\n' command "new (ms)" "base (ms)"
for c in version compile; do
    printf '%-22s %10.2f %10.2f\n' "ferry $c" "$(echo "${samples[new-$c]}" | median)" \
        "$(echo "${samples[base-$c]}" | median)"
done
"$new" status | grep -E '^jobs|include analysis'
