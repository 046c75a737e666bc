#!/usr/bin/env bash
# Wall time of a real make-based build — a few directories of the Linux kernel from Debian's
# linux-source-6.1 — three ways, side by side in one run:
#   local    make -jN                                  (N = CPUs)
#   ferry    ferry make CC="<ferry> gcc"               (2 ferryd on loopback, pool from them)
#   distcc   make -jM CC="distcc gcc"                  (2 distccd on loopback, M = 2 x CPUs,
#                                                       distcc's own recommendation)
# Each mode has its own copy of the tree, configured once and warmed with its own CC; each
# timed build starts from the measured directories without objects. Medians of RUNS runs
# are appended to RESULTS.md with the command that produced them.
#
# With --client-cpu/--runner-cpu (as root, cgroup v1 cpu controller), the client side (make,
# the wrappers, the coordinator, the preprocessing) and each runner get their own CPU quota,
# so one 2-core machine stands in for a small laptop and two build servers: the local build
# gets the client's quota only, distribution adds the runners'.
#
#   bench/make_build/run.sh [--runs N] [--dirs "lib/ kernel/"] [--client-cpu 0.5 --runner-cpu 0.7]
# Needs what `scripts/install-deps.sh --bench` installs (linux-source-6.1, distcc, bc, flex,
# bison, libelf-dev, libssl-dev); FERRY and FERRYD (default: build/programs/ferry/ferry, build/programs/ferryd/ferryd).
set -euo pipefail

RUNS=3
DIRS="lib/"
CLIENT_CPU="" RUNNER_CPU=""
while [ $# -gt 0 ]; do
    case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --dirs) DIRS=$2; shift 2 ;;
    --client-cpu) CLIENT_CPU=$2; shift 2 ;;
    --runner-cpu) RUNNER_CPU=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--dirs \"lib/ ...\"] [--client-cpu F --runner-cpu F]" >&2; exit 2 ;;
    esac
done
CG_ROOT=/sys/fs/cgroup/cpu
CGROUPS=()
if [ -n "$CLIENT_CPU$RUNNER_CPU" ]; then
    [ -n "$CLIENT_CPU" ] && [ -n "$RUNNER_CPU" ] || { echo "give both --client-cpu and --runner-cpu" >&2; exit 2; }
    [ -w "$CG_ROOT" ] || { echo "CPU quotas need root and cgroup v1's cpu controller at $CG_ROOT" >&2; exit 1; }
fi
# make_cgroup NAME FRACTION: a cpu cgroup limited to FRACTION of one CPU.
make_cgroup() {
    local dir=$CG_ROOT/ferry-bench-$$-$1
    mkdir -p "$dir"
    echo 100000 >"$dir/cpu.cfs_period_us"
    awk -v f="$2" 'BEGIN { printf "%d\n", f * 100000 }' >"$dir/cpu.cfs_quota_us"
    CGROUPS+=("$dir")
}
# in_cgroup NAME CMD...: runs CMD inside the cgroup (no cgroup when quotas are off).
in_cgroup() {
    local name=$1
    shift
    if [ -z "$CLIENT_CPU" ]; then "$@"; return; fi
    sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG_ROOT/ferry-bench-$$-$name" "$@"
}

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
FERRY=${FERRY:-$ROOT/build/programs/ferry/ferry}
FERRYD=${FERRYD:-$ROOT/build/programs/ferryd/ferryd}
[ -x "$FERRY" ] && [ -x "$FERRYD" ] || { echo "build ferry and ferryd first (or set FERRY/FERRYD)" >&2; exit 1; }
command -v distccd >/dev/null || { echo "needs distcc (apt-get install distcc)" >&2; exit 1; }
TARBALL=$(ls /usr/src/linux-source-6.1*.tar.xz 2>/dev/null | head -1)
[ -n "$TARBALL" ] || { echo "needs linux-source-6.1 (apt-get install linux-source-6.1)" >&2; exit 1; }

CPUS=$(nproc)
WORK=$(mktemp -d /tmp/ferry-bench-XXXXXX)
PIDS=()
cleanup() {
    set +e
    "$FERRY" shutdown >/dev/null 2>&1
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    sleep 0.5
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    for g in "${CGROUPS[@]}"; do
        while read -r p; do kill -KILL "$p" 2>/dev/null; done <"$g/cgroup.procs"
        sleep 0.2
        rmdir "$g" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR="$WORK/run" HOME="$WORK/home"
mkdir -p -m 0700 "$XDG_RUNTIME_DIR" "$HOME"
unset MAKEFLAGS MFLAGS MAKELEVEL FERRY_HOSTS FERRY_HOSTS_FILE

echo "unpacking $(basename "$TARBALL")" >&2
tar -C "$WORK" -xf "$TARBALL"
SRC=$(ls -d "$WORK"/linux-source-6.1*/ | head -1)
make -C "$SRC" -s defconfig >/dev/null
make -C "$SRC" -s -j"$CPUS" prepare >/dev/null 2>&1
# One tree per mode: Kbuild records each object's command line and re-runs its Kconfig
# compiler probes when CC changes, so one tree shared by the modes would make every build
# after a switch pay for the others. Each tree is warmed once with its own CC (untimed).
for mode in local ferry distcc; do cp -a "$SRC" "$WORK/tree-$mode"; done

if [ -n "$CLIENT_CPU" ]; then
    make_cgroup client "$CLIENT_CPU"
    make_cgroup 127.0.0.8 "$RUNNER_CPU"
    make_cgroup 127.0.0.9 "$RUNNER_CPU"
    # The client's share decides its parallelism, as nproc would on a small machine.
    LOCAL_SLOTS=$(awk -v f="$CLIENT_CPU" 'BEGIN { n = int(f + 0.999); print n < 1 ? 1 : n }')
    RUNNER_SLOTS=$(awk -v f="$RUNNER_CPU" 'BEGIN { n = int(f + 0.999); print n < 1 ? 1 : n }')
else
    LOCAL_SLOTS=$CPUS RUNNER_SLOTS=$CPUS
fi
PORT_F=23640 PORT_D=23650
for a in 127.0.0.8 127.0.0.9; do
    in_cgroup "$a" "$FERRYD" --listen "$a:$PORT_F" --allow 127.0.0.0/8 --jobs "$RUNNER_SLOTS" --log-file "$WORK/ferryd-$a.log" &
    PIDS+=($!)
    # distccd drops root for the distcc user, who cannot open a file in $WORK: log to
    # stderr, which this shell opened before the drop.
    in_cgroup "$a" distccd --daemon --no-detach --allow 127.0.0.0/8 --listen "$a" --port "$PORT_D" \
        --jobs "$RUNNER_SLOTS" --log-stderr 2>"$WORK/distccd-$a.log" &
    PIDS+=($!)
done
sleep 1
export FERRY_HOSTS="localhost/$LOCAL_SLOTS 127.0.0.8:$PORT_F/$RUNNER_SLOTS 127.0.0.9:$PORT_F/$RUNNER_SLOTS"
export DISTCC_HOSTS="127.0.0.8:$PORT_D/$RUNNER_SLOTS 127.0.0.9:$PORT_D/$RUNNER_SLOTS"
DISTCC_J=$((2 * 2 * RUNNER_SLOTS)) # distcc's advice: twice the CPUs of the servers

clean() { for d in $DIRS; do find "$WORK/tree-$1/$d" \( -name '*.o' -o -name '*.a' \) -delete; done; }
run_one() { # mode -> seconds
    clean "$1"
    local t0 t1 tree="$WORK/tree-$1"
    t0=$(date +%s.%N)
    case $1 in
    local) in_cgroup client make -C "$tree" -s -j"$LOCAL_SLOTS" $DIRS ;;
    ferry) in_cgroup client "$FERRY" make -C "$tree" -s CC="$FERRY gcc" $DIRS ;;
    distcc) in_cgroup client make -C "$tree" -s -j"$DISTCC_J" CC="distcc gcc" $DIRS ;;
    esac >"$WORK/$1.log" 2>&1 || { echo "$1 build failed:" >&2; tail -20 "$WORK/$1.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for mode in local ferry distcc; do # warm-up: each tree's Kconfig and objects for its CC
    s=$(run_one $mode)
    echo "warm-up $mode: $s s (not counted)" >&2
done

declare -A TIMES
for ((r = 1; r <= RUNS; r++)); do
    for mode in local ferry distcc; do # interleaved, so drift hits every mode alike
        s=$(run_one $mode)
        echo "run $r $mode: $s s" >&2
        TIMES[$mode]+="$s "
    done
done

{
    echo "# make_build: Linux 6.1 \`$DIRS\`, local vs ferry make vs distcc"
    echo
    quota=""
    [ -n "$CLIENT_CPU" ] && quota=" --client-cpu $CLIENT_CPU --runner-cpu $RUNNER_CPU"
    echo "Produced by: \`bench/make_build/run.sh --runs $RUNS --dirs \"$DIRS\"$quota\` on $(date -u +%Y-%m-%d)"
    echo "Machine: $CPUS CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
    echo "$(make --version | head -1), $(gcc --version | head -1), $(distcc --version | head -1)."
    if [ -n "$CLIENT_CPU" ]; then
        echo "CPU quotas (cgroup v1): the client side $CLIENT_CPU CPU, each of the two loopback runners"
        echo "$RUNNER_CPU CPU, so distribution adds CPUs the local build does not have."
    else
        echo "Both runners of each tool are on loopback addresses of this same machine, so"
        echo "distribution cannot add CPUs here: the figures compare overheads and scheduling."
    fi
    echo
    echo "| mode | command | median wall time (s) | runs (s) |"
    echo "|---|---|---|---|"
    for mode in local ferry distcc; do
        case $mode in
        local) cmd="make -j$LOCAL_SLOTS" ;;
        ferry) cmd="ferry make CC=\"ferry gcc\" (pool = 2x$RUNNER_SLOTS remote + $LOCAL_SLOTS local)" ;;
        distcc) cmd="make -j$DISTCC_J CC=\"distcc gcc\"" ;;
        esac
        med=$(tr ' ' '\n' <<<"${TIMES[$mode]}" | grep . | median)
        echo "| $mode | \`$cmd\` | $med | ${TIMES[$mode]}|"
    done
} >"$WORK/results.md"
# Several configurations share one RESULTS.md: each run appends its section.
cat "$WORK/results.md" >>"$HERE/RESULTS.md"
cat "$WORK/results.md"
