#!/usr/bin/env bash
# A runner's CPU per job, two ferryd builds side by side: what ferryd itself costs around each
# compile (receiving the files, the job's mirror, starting the compiler in its sandbox,
# collecting the outputs) on top of the compile. Two loopback ferryd (NEW on 127.0.0.71, BASE
# on 127.0.0.72), one slot pair each, the same client build for both; each round builds the
# same units through NEW, then through BASE, then the same units with plain `make -j2` (the
# local reference), so the machine's drift hits all three alike; NEW and BASE swap places
# every other round. Every unit runs remotely
# (FERRY_LOCAL_WHEN_IDLE=0; the round fails otherwise). The units include 40 of the C
# library's and POSIX headers each, as a real unit does (a mirror of ~100 files per job).
# CPU: ferryd's own utime+stime and its reaped children's (the compilers), from
# /proc/PID/stat fields 14-17, before and after the round; the local build's from
# getrusage(RUSAGE_CHILDREN) of a sub-shell (bash's `times`).
# With WORKLOAD=openssl the units are instead the first UNITS C objects of OpenSSL's
# libcrypto (issue 11 states its 1.05x target on OpenSSL): bench/farm's tree (its workloads.sh:
# Debian's source package, configured, generated headers made, untimed), the objects' own
# compile commands taken from `make -n` into a small makefile, so that neither side pays for
# parsing OpenSSL's 5 MB Makefile. Objects whose source is generated (perlasm) are left out:
# their perl runs on the client, not on the runner; so is conf_def.o, which ferry keeps local
# (its ".include" string looks like an assembler include, docs/include-analysis.md).
# Usage: bench/runner_cpu/run.sh NEW_FERRYD BASE_FERRYD FERRY [ROUNDS] [UNITS]   (default 11, 40)
set -euo pipefail
new=$(realpath "$1") base=$(realpath "$2") ferry=$(realpath "$3") rounds=${4:-11} units=${5:-40}
workload=${WORKLOAD:-generated}
tmp=$(mktemp -d /tmp/ferry-runner-cpu-XXXXXX)
# shellcheck source=../lib/loopback_ferryd.sh
. "$(dirname "$0")/../lib/loopback_ferryd.sh"
declare -A hosts=([new]=127.0.0.71:27771/2 [base]=127.0.0.72:27771/2)
cleanup() {
    for d in new base; do XDG_RUNTIME_DIR=$tmp/run-$d FERRY_HOSTS=${hosts[$d]} "$ferry" shutdown || true; done
    bench_stop_ferryds
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
export FERRY_LOCAL_WHEN_IDLE=0 FERRY_SPECULATE=0
clk=$(getconf CLK_TCK)

src=$tmp/src mk=Makefile
if [ "$workload" = openssl ]; then
    here=$(cd "$(dirname "$0")" && pwd)
    CACHE_DIR=${CACHE_DIR:-/var/tmp/ferry-bench-farm}
    # shellcheck source=../farm/lib/common.sh
    . "$here/../farm/lib/common.sh"
    # shellcheck source=../farm/lib/workloads.sh
    . "$here/../farm/lib/workloads.sh"
    wl_openssl_fetch
    src=$tmp/openssl mk=runner-cpu.mk
    wl_openssl_setup "$src"
    # Each object's compile command, make's "$(CC)" put back where it ran gcc.
    openssl_all_objects "$src" | grep -v 'conf_def' | sed -n '1,400p' >"$tmp/all-objects"
    mapfile -t all < "$tmp/all-objects"
    make -C "$src" -n CC=gcc "${all[@]}" 2>/dev/null |
        awk -v n="$units" '/^gcc .* -c -o [^ ]+\.o [^ ]+\.c$/ && c < n { o = $(NF - 1); sub(/^gcc/, "$(CC)"); rule[++c] = o ":\n\t" $0; objs = objs " " o }
            END { print "objs:" objs; for (i = 1; i <= c; i++) print rule[i] }' >"$src/$mk"
    got=$(grep -c '^\s' "$src/$mk" || true)
    [ "$got" -eq "$units" ] || { echo "only $got C objects of OpenSSL found, $units asked"; exit 1; }
else
    headers="assert ctype errno fenv float inttypes limits locale math setjmp signal stdarg stddef
stdint stdio stdlib string time wchar wctype fcntl unistd pthread sched dirent poll pwd grp
sys/types sys/stat sys/socket sys/time sys/wait sys/mman sys/uio netinet/in arpa/inet netdb
sys/select sys/resource termios"
    mkdir -p "$src"
    {
        echo "objs: $(seq -f 'u%g.o' 1 "$units" | tr '\n' ' ')"
        echo '%.o: %.c'
        printf '\t$(CC) -O2 -g -c $< -o $@\n'
    } >"$src/$mk"
    for ((i = 1; i <= units; i++)); do
        {
            for h in $headers; do echo "#include <$h.h>"; done
            echo "int f$i(int n) { int s = $i; for (int k = 0; k < n; ++k) s = s * 31 + k; return s; }"
            echo "double g$i(double x) { return sin(x) * cos(x) + $i; }"
        } >"$src/u$i.c"
    done
fi
mapfile -t objects < <(sed -n 's/^objs: *//p' "$src/$mk" | tr ' ' '\n' | grep .)
rm_objects() { (cd "$src" && rm -f "${objects[@]}"); }

start_ferryd() { # NAME ADDR BINARY
    mkdir -m 700 "$tmp/run-$1"
    bench_start_ferryd "$3" "$2:27771" "$tmp/ferryd-$1.log"
    eval "pid_$1=$BENCH_FERRYD_PID"
}
start_ferryd new 127.0.0.71 "$new"
start_ferryd base 127.0.0.72 "$base"

# ferryd's own CPU (fields 14-15) and its reaped children's (16-17), in clock ticks.
ticks() { awk '{ print $14 + $15, $16 + $17 }' "/proc/$1/stat"; }
# The whole machine's busy time (user, nice, system, irq, softirq), in clock ticks: it also
# holds what the kernel does for a job in its own workers (a network namespace is torn down
# in one), which no process of ferryd is charged for; the client's share is the same build.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
remote_jobs() {
    XDG_RUNTIME_DIR=$tmp/run-$1 FERRY_HOSTS=${hosts[$1]} "$ferry" status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["jobs"]["remote"])'
}
build() { # NAME: one build of every unit through that ferryd
    rm_objects
    XDG_RUNTIME_DIR=$tmp/run-$1 FERRY_HOSTS=${hosts[$1]} \
        "$ferry" make --quiet -C "$src" -f "$mk" -s CC="$ferry gcc" objs
}
# local_cpu: CPU seconds of `make -j2` of the units with plain gcc.
local_cpu() {
    rm_objects
    (make -C "$src" -f "$mk" -s -j2 CC=gcc objs && times) | tail -1 |
        awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}
# A first, untimed build each: the runners cache the toolchain and the headers.
for d in new base; do build "$d"; done
declare -A samples
for ((r = 0; r < rounds; r++)); do
    # Alternating which goes first: the first build of a round pays for the machine's state
    # (bench/farm found a 6% order effect), so a fixed order biases the comparison.
    if ((r % 2)); then order="base new"; else order="new base"; fi
    for d in $order; do
        pid_var=pid_$d
        before_jobs=$(remote_jobs "$d")
        before=$(ticks "${!pid_var}")
        busy_before=$(busy_ticks)
        build "$d"
        sleep 0.2 # the kernel's deferred work of the last jobs
        busy_after=$(busy_ticks)
        after=$(ticks "${!pid_var}")
        jobs=$(($(remote_jobs "$d") - before_jobs))
        [ "$jobs" -eq "$units" ] || { echo "round $r: $d ran $jobs of $units units remotely"; exit 1; }
        read -r own_a kids_a <<<"$after"
        read -r own_b kids_b <<<"$before"
        per_job() { awk -v d="$1" -v t="$clk" -v n="$units" 'BEGIN { printf "%.2f", d / t * 1000 / n }'; }
        samples[$d]+="$(per_job $((own_a + kids_a - own_b - kids_b))) "
        samples[$d-own]+="$(per_job $((own_a - own_b))) "
        samples[$d-all]+="$(per_job $((busy_after - busy_before))) "
    done
    samples[local]+="$(local_cpu | awk -v n="$units" '{ printf "%.2f", $1 * 1000 / n }') "
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
m_new=$(echo "${samples[new]}" | median) m_base=$(echo "${samples[base]}" | median)
m_local=$(echo "${samples[local]}" | median)
m_new_own=$(echo "${samples[new-own]}" | median) m_base_own=$(echo "${samples[base-own]}" | median)
echo "runner CPU per job (ms, median of $rounds rounds of $units units, workload $workload; runs: new | base | local)"
echo "  new:   ${samples[new]}"
echo "  base:  ${samples[base]}"
echo "  local: ${samples[local]}"
printf '%-8s %8s %8s %8s %10s %10s\n' "" new base local new/local base/local
printf '%-8s %8.1f %8.1f %8.1f %10.3f %10.3f\n' median "$m_new" "$m_base" "$m_local" \
    "$(awk -v a="$m_new" -v b="$m_local" 'BEGIN { print a / b }')" \
    "$(awk -v a="$m_base" -v b="$m_local" 'BEGIN { print a / b }')"
m_new_all=$(echo "${samples[new-all]}" | median) m_base_all=$(echo "${samples[base-all]}" | median)
echo "ferryd's own CPU per job (ms; the compiler's excluded): new ${m_new_own}, base ${m_base_own}"
echo "  new:   ${samples[new-own]}"
echo "  base:  ${samples[base-own]}"
echo "the machine's busy CPU per job during the build (ms; client and kernel workers included): new ${m_new_all}, base ${m_base_all}"
echo "  new:   ${samples[new-all]}"
echo "  base:  ${samples[base-all]}"
# The objects are the local build's, byte for byte (the last local build is in the tree).
mkdir "$tmp/ref" && (cd "$src" && cp --parents "${objects[@]}" "$tmp/ref/")
build new
for o in "${objects[@]}"; do cmp -s "$tmp/ref/$o" "$src/$o" || { echo "$o differs"; exit 1; }; done
echo "objects: $units/$units identical to the local build's"
